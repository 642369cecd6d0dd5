import { constantRandom, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { delays } from '../schedules/delays.ts';
import { retryPresets } from './presets.ts';
import { retry } from './retry.ts';

const nearlyOne = constantRandom(0.999_999);

describe('retryPresets', () => {
  it("are the seed's configurations with full jitter over an exponential backoff", () => {
    const { development, production, hft } = retryPresets;
    expect(development.maxAttempts).toBe(3);
    expect(production.maxAttempts).toBe(5);
    expect(hft.maxAttempts).toBe(2);
    // At the top of the jitter range the delays are the exponential bounds: base, doubling, capped.
    const top = (backoff: unknown, n: number) =>
      delays(backoff as never, n, { random: nearlyOne }).map((d) => Math.round(d));
    expect(top(development.backoff, 3)).toEqual([100, 200, 400]);
    expect(top(production.backoff, 12)).toEqual([50, 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000, 30000]);
    expect(top(hft.backoff, 5)).toEqual([10, 20, 40, 80, 100]);
    // Full jitter: the bottom of the range is 0.
    expect(delays(production.backoff as never, 3, { random: constantRandom(0) })).toEqual([0, 0, 0]);
    expect(hft.maxRetryAfterMs).toBe(100);
  });

  it('are frozen', () => {
    expect(Object.isFrozen(retryPresets)).toBe(true);
    expect(Object.isFrozen(retryPresets.production)).toBe(true);
  });

  it('configure a working policy, alone or spread with overrides', async () => {
    const clock = new ManualClock();
    const policy = retry({ ...retryPresets.hft, clock, random: constantRandom(0.5) });
    expect(policy.maxAttempts).toBe(2);
    let attempts = 0;
    const result = policy.execute(async () => {
      attempts++;
      throw new Error('x');
    });
    const settled = result.catch(() => 'failed');
    await clock.runAll();
    expect(await settled).toBe('failed');
    expect([attempts, clock.now()]).toEqual([2, 5]);
  });
});
