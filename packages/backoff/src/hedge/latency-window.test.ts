import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyWindow } from './latency-window.ts';

/** The same percentile, computed the slow, obvious way. */
function nearestRank(samples: readonly number[], percentile: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((percentile / 100) * sorted.length))) - 1];
}

describe('LatencyWindow', () => {
  it('reads nearest-rank percentiles of what it holds', () => {
    const window = new LatencyWindow(100);
    expect(window.percentile(95)).toBeUndefined();
    for (let ms = 1; ms <= 100; ms++) window.add(ms);
    expect(window.count).toBe(100);
    expect(window.percentile(50)).toBe(50);
    expect(window.percentile(95)).toBe(95);
    expect(window.percentile(100)).toBe(100);
    expect(window.percentile(0.001)).toBe(1);
  });

  it('forgets the oldest sample once full: its memory is bounded by the size', () => {
    const window = new LatencyWindow(3);
    for (const ms of [500, 1, 2]) window.add(ms);
    expect(window.percentile(100)).toBe(500);
    window.add(3); // 500, the oldest, leaves
    expect(window.count).toBe(3);
    expect(window.percentile(100)).toBe(3);
    expect(window.percentile(1)).toBe(1);
  });

  it('a window of one holds the last sample only', () => {
    const window = new LatencyWindow(1);
    window.add(7);
    window.add(3);
    expect([window.count, window.percentile(50), window.percentile(100)]).toEqual([1, 3, 3]);
  });

  it('always agrees with sorting the last `size` samples (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 80 }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (size, samples, percentile) => {
          const window = new LatencyWindow(size);
          for (const ms of samples) window.add(ms);
          expect(window.count).toBe(Math.min(size, samples.length));
          expect(window.percentile(percentile)).toBe(nearestRank(samples.slice(-size), percentile));
        },
      ),
    );
  });
});
