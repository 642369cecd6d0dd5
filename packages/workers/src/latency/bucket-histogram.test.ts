import { describe, expect, it } from 'vitest';
import { BucketHistogram } from './bucket-histogram.ts';

describe('BucketHistogram', () => {
  it('is exact below 256 µs, within 0.8 % above, and clamps to the exact max', () => {
    const h = new BucketHistogram();
    expect(h.percentile(50)).toBe(0);
    for (const ms of [0.001, 0.05, 0.255]) h.record(ms);
    expect(h.percentile(0)).toBe(0.001);
    expect(h.percentile(50)).toBe(0.05);
    expect(h.percentile(100)).toBe(0.255);
    const wide = new BucketHistogram();
    for (let ms = 1; ms <= 10_000; ms++) wide.record(ms);
    for (const p of [1, 10, 50, 90, 99, 99.9]) {
      const exact = (p / 100) * 10_000;
      const got = wide.percentile(p);
      expect(got).toBeGreaterThanOrEqual(exact);
      expect(got / exact - 1).toBeLessThanOrEqual(0.008);
    }
    expect(wide.percentile(100)).toBe(10_000);
    expect(wide.maxMs).toBe(10_000);
  });

  it('counts NaN and negative values as 0 and values beyond 2^31 µs in the last bucket', () => {
    const h = new BucketHistogram();
    h.record(Number.NaN);
    h.record(-5);
    h.record(10_000_000);
    expect(h.percentile(50)).toBe(0);
    expect(h.percentile(100)).toBe(10_000_000);
  });
});

describe('BucketHistogram.reset', () => {
  it('forgets every value, the max included, and records afresh', () => {
    const h = new BucketHistogram();
    for (const ms of [5, 50, 500]) h.record(ms);
    h.reset();
    expect(h.count).toBe(0);
    expect(h.percentile(50)).toBe(0);
    expect(h.maxMs).toBe(0);
    h.record(2);
    expect(h.count).toBe(1);
    expect(h.percentile(99)).toBe(2);
    expect(h.maxMs).toBe(2);
  });
});
