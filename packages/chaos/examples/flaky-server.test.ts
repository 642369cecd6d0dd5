import { describe, expect, it } from 'vitest';
import { flakyCalls, flakyOrders } from './flaky-server.ts';

describe('README example', () => {
  it('fails twice, then answers', async () => {
    expect(await flakyOrders()).toEqual({ statuses: [503, 503, 200], requests: 3 });
  });

  it('injects the same failures on every run', async () => {
    const first = await flakyCalls();
    expect(await flakyCalls()).toBe(first);
    expect(first).toBeGreaterThan(15);
    expect(first).toBeLessThan(45);
  });
});
