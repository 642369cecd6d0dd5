import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';

/**
 * Waits for real I/O (bounded: 10 s at most) until `condition` holds, then asserts it: for a state
 * that only sockets can bring about, such as the chaos server counting a request.
 */
export async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await delay(5);
  expect(condition()).toBe(true);
}
