import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { hedge } from './hedge.ts';

/** The ConfigError `hedge(options)` throws, or undefined. */
function refusal(options: unknown): unknown {
  try {
    hedge(options as never);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('hedge options', () => {
  it('takes the documented defaults: one hedge', () => {
    expect(hedge({ delayMs: 100 }).maxHedges).toBe(1);
    expect(hedge({ delayMs: 100, maxHedges: 0 }).maxHedges).toBe(0);
    expect(hedge({ delayMs: 100, maxHedges: 10 }).maxHedges).toBe(10);
    expect(hedge({ delayMs: Number.POSITIVE_INFINITY }).maxHedges).toBe(1);
    // The largest window, fully required before the percentile is used.
    expect(hedge({ delayMs: { percentile: 50, window: 100_000, minSamples: 100_000 } }).maxHedges).toBe(1);
    expect(hedge({ delayMs: 2_147_483_647 }).maxHedges).toBe(1);
    expect(hedge({ delayMs: { percentile: 100, window: 1, initialMs: 0 } }).status().latency).toEqual({
      percentile: 100,
      samples: 0,
      valueMs: null,
    });
  });

  it.each([
    [{}, 'delayMs', 'a delay in ms between 0 and 2147483647, or Infinity, a function (hedge) => ms, or { percentile }'],
    [{ delayMs: -1 }, 'delayMs', 'a delay in ms between 0 and 2147483647, or Infinity'],
    [{ delayMs: Number.NaN }, 'delayMs', 'a delay in ms between 0 and 2147483647, or Infinity'],
    [{ delayMs: 2 ** 31 }, 'delayMs', 'a delay in ms between 0 and 2147483647, or Infinity'],
    [
      { delayMs: '100' },
      'delayMs',
      'a delay in ms between 0 and 2147483647, or Infinity, a function (hedge) => ms, or { percentile }',
    ],
    [{ delayMs: { percentile: 0 } }, 'delayMs.percentile', 'a finite number > 0 and <= 100'],
    [{ delayMs: { percentile: 101 } }, 'delayMs.percentile', 'a finite number > 0 and <= 100'],
    [{ delayMs: { percentile: 95, window: 0 } }, 'delayMs.window', 'an integer between 1 and 100000'],
    [{ delayMs: { percentile: 95, window: 10, minSamples: 11 } }, 'delayMs.minSamples', 'an integer between 1 and 10'],
    [
      { delayMs: { percentile: 95, initialMs: -5 } },
      'delayMs.initialMs',
      'a delay in ms between 0 and 2147483647, or Infinity',
    ],
    [{ delayMs: { percentile: 95, p: 1 } }, 'delayMs.p', 'one of percentile, window, minSamples, initialMs'],
    [{ delayMs: 1, maxHedges: 11 }, 'maxHedges', 'an integer between 0 and 10'],
    [{ delayMs: 1, maxHedges: 1.5 }, 'maxHedges', 'an integer between 0 and 10'],
    [
      { delayMs: 1, maxHedges: { valueOf: (): number => 2, toString: (): string => '2' } },
      'maxHedges',
      'an integer between 0 and 10',
    ],
    [{ delayMs: 1, shouldHedge: true }, 'shouldHedge', 'a function'],
    [{ delayMs: 1, budget: { tryRetry: () => true } }, 'budget', 'a RetryBudget (see retryBudget())'],
    [{ delayMs: 1, clock: { now: () => 0 } }, 'clock', 'a Clock (an object with now() and sleep(ms, signal))'],
    [{ delayMs: 1, random: 0.5 }, 'random', 'a function returning a number in [0, 1)'],
    [
      { delayMs: 1, hedges: 2 },
      'hedges',
      'one of the known options (maxHedges, delayMs, shouldHedge, budget, clock, random)',
    ],
  ])('refuses %j with a ConfigError naming %s', (options, option, expected) => {
    const error = refusal(options);
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ owner: 'hedge', option, expected });
  });

  it('refuses a missing or non-object options argument', () => {
    expect(refusal(undefined)).toMatchObject({ option: 'delayMs' });
    expect(refusal('fast')).toMatchObject({ option: 'options', expected: 'an options object' });
  });

  it('accepts any clock and a schedule-shaped delay function', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: (_hedge, previous, random) => previous + random() * 0, clock, random: () => 0.5 });
    expect(await policy.execute(() => 'ok')).toBe('ok');
  });
});
