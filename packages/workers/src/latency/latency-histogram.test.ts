import { build, type Histogram } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram, roundMs } from './latency-histogram.ts';

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

describe('LatencyHistogram against hdr-histogram-js', () => {
  // The counts are kept in HDR's layout and handed to hdr-histogram-js only to read percentiles:
  // every figure must be the one hdr-histogram-js gives when it records the same values itself.
  function pair(precision: 2 | 3) {
    const ours = new LatencyHistogram(precision);
    const theirs = build({ numberOfSignificantValueDigits: precision, highestTrackableValue: 2 });
    return {
      ours,
      theirs,
      record(ms: number) {
        ours.record(ms);
        theirs.recordValue(Math.round(Math.max(ms, 0) * 1000));
      },
    };
  }
  const expected = (theirs: Histogram, p: number, maxMs: number) =>
    roundMs(Math.min(theirs.getValueAtPercentile(p) / 1000, maxMs));
  const PERCENTILES = [0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100];

  for (const precision of [2, 3] as const) {
    it(`gives hdr-histogram-js's percentiles at precision ${precision}, from 0 µs to beyond 2^31 µs`, () => {
      const h = pair(precision);
      let seed = 7;
      const random = () => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      // Every HDR bucket boundary region: exact µs, sub-ms, ms, seconds, and 40 minutes.
      for (let i = 0; i < 20_000; i++) h.record(random() ** 4 * 10 ** (random() * 6 - 3) * 1000);
      for (const ms of [0, 0.001, 0.255, 0.256, 0.257, 2.047, 2.048, 2.049, 1_000_000, 2_400_000, 2_147_483.648])
        h.record(ms);
      const maxMs = h.ours.maxMs;
      for (const p of PERCENTILES) expect(h.ours.percentile(p), `p${p}`).toBe(expected(h.theirs, p, maxMs));
      // A read and then more records: the next read sees them.
      h.record(3_000_000);
      expect(h.ours.percentile(100)).toBe(3_000_000);
      expect(h.ours.percentile(99.99)).toBe(expected(h.theirs, 99.99, h.ours.maxMs));
    });
  }

  it('adds a precision-2 histogram into a precision-3 one as hdr-histogram-js does', () => {
    const target = pair(3);
    const other = pair(2);
    for (let ms = 0.5; ms < 5_000; ms *= 1.01) {
      target.record(ms);
      other.record(ms * 1.7);
    }
    target.ours.add(other.ours);
    target.theirs.add(other.theirs);
    const maxMs = target.ours.maxMs;
    for (const p of PERCENTILES) expect(target.ours.percentile(p), `p${p}`).toBe(expected(target.theirs, p, maxMs));
  });
});
