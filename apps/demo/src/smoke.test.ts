import { compose, timeout } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { runSmoke } from './smoke.ts';

describe('demo smoke', () => {
  it('reports every check as passing, cutting off the hung upstream at the deadline', async () => {
    const clock = new ManualClock();
    const running = runSmoke({ clock, policy: compose(timeout({ ms: 50, clock })) });
    // The hung call's deadline is registered once the loopback server is listening.
    for (let turns = 0; clock.pending === 0 && turns < 10_000; turns++) await flushMicrotasks();
    await clock.advance(50);
    const results = await running;
    expect(results.map((r) => [r.check, r.ok])).toEqual([
      ['a call within its deadline returns its value', true],
      ['a call to a hung upstream is cut off with TimeoutError', true],
    ]);
    expect(results[1]?.detail).toBe('operation timed out after 50 ms (returned after 50 ms)');
  });
});
