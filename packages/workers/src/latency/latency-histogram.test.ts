import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './latency-histogram.ts';

describe('LatencyHistogram', () => {
  it('reports zeros and no curve when empty', () => {
    const h = new LatencyHistogram();
    expect(h.summary()).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(h.distribution()).toEqual([]);
  });

  it('clamps every percentile to the exact max and keeps the exact mean', () => {
    const h = new LatencyHistogram();
    // 100.0001 ms lands in a bucket whose highest value is above it.
    for (let i = 0; i < 10; i++) h.record(100.0001);
    const s = h.summary();
    expect(s.max).toBe(100);
    expect([s.p50, s.p90, s.p99, s.p999].every((p) => p <= s.max)).toBe(true);
    expect(s.mean).toBe(100);
    const skewed = new LatencyHistogram();
    skewed.record(1);
    skewed.record(3);
    expect(skewed.summary().mean).toBe(2);
  });

  it('keeps 3 significant digits below the max', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 1_000; ms++) h.record(ms);
    for (const p of [50, 90, 99]) expect(Math.abs(h.percentile(p) - p * 10) / (p * 10)).toBeLessThanOrEqual(0.001);
  });

  it('draws the percentile curve down to 1 / count and ends at 100 % = max', () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1_000; i++) h.record(i / 10);
    const curve = h.distribution(1);
    expect(curve.slice(0, 4).map((p) => p.percentile)).toEqual([0, 50, 75, 87.5]);
    expect(curve.at(-1)).toEqual({ percentile: 100, ms: 100 });
    // With 1,000 values, 99.9 % is the last resolvable point before 100 %.
    expect(curve.at(-2)?.percentile).toBeGreaterThan(99.8);
    expect(curve.at(-2)?.percentile).toBeLessThan(99.95);
    const ms = curve.map((p) => p.ms);
    expect(ms).toEqual([...ms].sort((a, b) => a - b));
  });

  it('adds another histogram (merging per-worker ones) and resets', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram(2);
    a.record(10);
    b.record(30);
    b.record(50);
    a.add(b);
    expect(a.count).toBe(3);
    expect(a.summary().max).toBe(50);
    expect(a.summary().mean).toBe(30);
    a.reset();
    expect(a.count).toBe(0);
    expect(a.maxMs).toBe(0);
  });

  it('counts negative and NaN durations as 0', () => {
    const h = new LatencyHistogram();
    h.record(-3);
    h.record(Number.NaN);
    expect(h.summary()).toMatchObject({ max: 0, mean: 0, p99: 0 });
  });
});
