import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { consecutive } from './consecutive.ts';
import { countWindow } from './count-window.ts';
import { timeWindow } from './time-window.ts';

/** Feeds a sequence like 'ffsF' (f failure, s success, capitals slow) and returns what each record said. */
function feed(window: { record(failed: boolean, slow: boolean, now: number): boolean }, calls: string, now = 0) {
  return [...calls].map((c) => window.record(c.toLowerCase() === 'f', c === c.toUpperCase(), now));
}

describe('consecutive', () => {
  it.each([
    { threshold: 1, calls: 'f', opens: [true] },
    { threshold: 3, calls: 'fff', opens: [false, false, true] },
    { threshold: 3, calls: 'ffsff', opens: [false, false, false, false, false] },
    { threshold: 3, calls: 'ffsfff', opens: [false, false, false, false, false, true] },
  ])('threshold $threshold, calls $calls', ({ threshold, calls, opens }) => {
    expect(feed(consecutive({ threshold }).create(), calls)).toEqual(opens);
  });

  it('reports the current run of failures as its metrics, and reset clears it', () => {
    const window = consecutive({ threshold: 5 }).create();
    feed(window, 'ff');
    expect(window.metrics(0)).toEqual({ calls: 2, failures: 2, slowCalls: 0, failureRate: 1, slowCallRate: 0 });
    window.reset();
    expect(window.metrics(0).failures).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '3'])('rejects threshold %s', (threshold) => {
    expect(() => consecutive({ threshold: threshold as number })).toThrow(
      /consecutive: "threshold" must be an integer between 1 and 9007199254740991/,
    );
  });
});

describe('countWindow', () => {
  it('does not decide before minimumCalls, then opens exactly at the failure rate', () => {
    const window = countWindow({ size: 4, failureRate: 0.5, minimumCalls: 4 }).create();
    // 3 failures out of 3: above the rate, but below the minimum.
    expect(feed(window, 'fff')).toEqual([false, false, false]);
    expect(feed(window, 's')).toEqual([true]); // 3/4 >= 0.5
  });

  it('opens exactly at the threshold rate, not one call before', () => {
    const window = countWindow({ size: 10, failureRate: 0.3 }).create();
    expect(feed(window, 'ssssssssff')).toEqual(Array(10).fill(false)); // 2/10
    const other = countWindow({ size: 10, failureRate: 0.3 }).create();
    expect(feed(other, 'sssssssfff').at(-1)).toBe(true); // 3/10 === 0.3
  });

  it('forgets the oldest call once the ring is full', () => {
    const window = countWindow({ size: 3, failureRate: 1, minimumCalls: 1 }).create();
    expect(feed(window, 'fss')).toEqual([true, false, false]);
    expect(window.metrics(0)).toMatchObject({ calls: 3, failures: 1 });
    expect(feed(window, 'ss')).toEqual([false, false]); // the failure left the window
    expect(window.metrics(0)).toMatchObject({ calls: 3, failures: 0 });
    expect(feed(window, 'fff')).toEqual([false, false, true]);
  });

  it('opens on the slow-call rate even when every call succeeded', () => {
    const window = countWindow({ size: 4, failureRate: 1, slowCallMs: 100, slowCallRate: 0.5 }).create();
    expect(feed(window, 'sSsS')).toEqual([false, false, false, true]);
    expect(window.metrics(0)).toMatchObject({ slowCalls: 2, slowCallRate: 0.5, failureRate: 0 });
  });

  it('a slow failure counts as both slow and failed', () => {
    const window = countWindow({ size: 2, failureRate: 1, slowCallMs: 10 }).create();
    feed(window, 'Fs');
    expect(window.metrics(0)).toMatchObject({ failures: 1, slowCalls: 1, calls: 2 });
  });

  it('never opens on slow calls when slow-call detection is off', () => {
    const window = countWindow({ size: 2, failureRate: 1 }).create();
    expect(feed(window, 'SS')).toEqual([false, false]);
  });

  it.each([
    [{ size: 0, failureRate: 0.5 }, /"size" must be an integer between 1 and 1000000/],
    [{ size: 2.5, failureRate: 0.5 }, /"size"/],
    [{ size: 10, failureRate: 0 }, /"failureRate" must be a finite number > 0 and <= 1; received 0/],
    [{ size: 10, failureRate: 1.01 }, /"failureRate"/],
    [{ size: 10, failureRate: Number.NaN }, /"failureRate"/],
    [{ size: 10, failureRate: 0.5, minimumCalls: 11 }, /"minimumCalls" must be an integer between 1 and 10/],
    [{ size: 10, failureRate: 0.5, minimumCalls: 0 }, /"minimumCalls"/],
    [{ size: 10, failureRate: 0.5, slowCallMs: -1 }, /"slowCallMs"/],
    [{ size: 10, failureRate: 0.5, slowCallMs: 10, slowCallRate: 0 }, /"slowCallRate"/],
    [{ size: 10, failureRate: 0.5, slowCallRate: 0.5 }, /"slowCallRate" must be left out unless slowCallMs is set/],
    [{ size: 10, failureRate: 0.5, extra: 1 }, /"extra" must be one of the known options/],
  ])('rejects %o', (options, message) => {
    const error = (() => {
      try {
        countWindow(options as never);
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});

describe('timeWindow', () => {
  const trigger = (extra = {}) =>
    timeWindow({ windowMs: 1_000, buckets: 4, failureRate: 0.5, minimumThroughput: 4, ...extra });

  it('does not decide before the minimum throughput', () => {
    const window = trigger().create();
    expect(feed(window, 'fff', 0)).toEqual([false, false, false]);
    expect(feed(window, 'f', 10)).toEqual([true]);
  });

  it('rotates buckets lazily: calls older than the window stop counting', () => {
    const window = trigger().create();
    feed(window, 'ff', 0); // bucket [0, 250)
    feed(window, 's', 250); // bucket [250, 500)
    expect(window.metrics(999)).toMatchObject({ calls: 3, failures: 2 });
    // At 1000 the first bucket leaves the window; the one at 250 stays until 1250.
    expect(window.metrics(1_000)).toMatchObject({ calls: 1, failures: 0 });
    expect(window.metrics(1_249)).toMatchObject({ calls: 1 });
    expect(window.metrics(1_250)).toMatchObject({ calls: 0, failureRate: 0 });
  });

  it('a jump longer than the window clears every bucket at once', () => {
    const window = trigger().create();
    feed(window, 'ffff', 0);
    expect(window.metrics(0).calls).toBe(4);
    expect(feed(window, 'f', 1_000_000)).toEqual([false]);
    expect(window.metrics(1_000_000)).toMatchObject({ calls: 1, failures: 1 });
  });

  it('counts failures across buckets and opens at the rate', () => {
    const window = trigger().create();
    expect(feed(window, 'sf', 0)).toEqual([false, false]);
    expect(feed(window, 's', 300)).toEqual([false]);
    expect(feed(window, 'f', 600)).toEqual([true]); // 2 of 4 across three buckets
  });

  it('opens on slow calls', () => {
    const window = trigger({ slowCallMs: 50, slowCallRate: 0.75 }).create();
    expect(feed(window, 'SSsS', 0)).toEqual([false, false, false, true]);
  });

  it.each([
    [{ windowMs: 0, failureRate: 0.5 }, /"windowMs" must be a finite number >= 1/],
    [{ windowMs: -5, failureRate: 0.5 }, /"windowMs"/],
    [{ windowMs: Number.NaN, failureRate: 0.5 }, /"windowMs"/],
    [{ windowMs: 1_000, buckets: 0, failureRate: 0.5 }, /"buckets" must be an integer between 1 and 1000/],
    [{ windowMs: 1_000, failureRate: 2 }, /"failureRate"/],
    [
      { windowMs: 1_000, failureRate: 0.5, minimumThroughput: 0 },
      /"minimumThroughput" must be an integer between 1 and 9007199254740991/,
    ],
  ])('rejects %o', (options, message) => {
    expect(() => timeWindow(options as never)).toThrow(message);
  });
});
