import { build, type Histogram } from 'hdr-histogram-js';

/** Percentiles of a set of durations, in milliseconds (0 for each field when nothing was recorded). */
export interface LatencySummary {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** The 99.9th percentile. */
  readonly p999: number;
  /** The exact largest value recorded. */
  readonly max: number;
  /** The exact mean. */
  readonly mean: number;
}

/** One point of a percentile curve: `percentile` (0–100) of the durations were at most `ms`. */
export interface PercentilePoint {
  readonly percentile: number;
  readonly ms: number;
}

/** Significant decimal digits a histogram keeps: 3 (0.1 %) for reports, 2 (1 %) for many small ones. */
export type Precision = 2 | 3;

// Durations are recorded in whole microseconds: HDR histograms count integers.
const US_PER_MS = 1_000;

/** Rounds a duration in ms to the microsecond, which is what a histogram can tell apart. */
export function roundMs(ms: number): number {
  return Math.round(ms * US_PER_MS) / US_PER_MS;
}

/**
 * A bounded record of durations: an HDR histogram (hdr-histogram-js) in microseconds that grows
 * with the largest value seen, never with the number of values, plus the exact count, sum and
 * maximum. HDR reports a bucket's highest value, which can sit slightly above the true maximum;
 * every percentile is clamped to the exact maximum, and the mean is exact.
 */
export class LatencyHistogram {
  readonly #histogram: Histogram;
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  constructor(precision: Precision = 3) {
    // Starts small (highestTrackableValue 2) and resizes to what is recorded.
    this.#histogram = build({ numberOfSignificantValueDigits: precision, highestTrackableValue: 2 });
  }

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** The exact largest value recorded, in ms (0 when empty). */
  get maxMs(): number {
    return this.#maxMs;
  }

  /** Records one duration in ms; negative values (a clock that stepped back) count as 0. */
  record(ms: number): void {
    // biome-ignore lint/complexity/useMathMinMax: NaN must become 0 as well, which Math.max would not do.
    const value = ms > 0 ? ms : 0;
    this.#count++;
    this.#sumMs += value;
    if (value > this.#maxMs) this.#maxMs = value;
    this.#histogram.recordValue(Math.round(value * US_PER_MS));
  }

  /** The duration in ms at `percentile` (0–100), clamped to the exact maximum; 0 when empty. */
  percentile(percentile: number): number {
    if (this.#count === 0) return 0;
    return roundMs(Math.min(this.#histogram.getValueAtPercentile(percentile) / US_PER_MS, this.#maxMs));
  }

  /** The exact mean in ms, rounded to the microsecond; 0 when empty. */
  mean(): number {
    return this.#count === 0 ? 0 : roundMs(this.#sumMs / this.#count);
  }

  /** p50, p90, p99, p99.9, the exact max and the exact mean, in ms. */
  summary(): LatencySummary {
    return {
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: roundMs(this.#maxMs),
      mean: this.mean(),
    };
  }

  /**
   * Points of the percentile curve, the way HdrHistogram plots are drawn: 0 %, then `ticksPerHalf`
   * points in each halving of the distance to 100 % (50, 75, 87.5, ... with 1 tick per half), up
   * to the resolution the count allows (1 / count), then 100 % = the exact max.
   */
  distribution(ticksPerHalf = 4): PercentilePoint[] {
    if (this.#count === 0) return [];
    const points: PercentilePoint[] = [];
    const floor = 1 / this.#count;
    for (let tick = 0; ; tick++) {
      const remaining = 0.5 ** (tick / ticksPerHalf);
      if (remaining < floor) break;
      const percentile = Math.round((1 - remaining) * 1e6) / 1e4;
      points.push({ percentile, ms: this.percentile(percentile) });
    }
    points.push({ percentile: 100, ms: roundMs(this.#maxMs) });
    return points;
  }

  /** Adds every value of `other` (same or lower precision) to this one. */
  add(other: LatencyHistogram): void {
    if (other.#count === 0) return;
    this.#histogram.add(other.#histogram);
    this.#count += other.#count;
    this.#sumMs += other.#sumMs;
    if (other.#maxMs > this.#maxMs) this.#maxMs = other.#maxMs;
  }

  /** Forgets every value (the memory already grown is kept for reuse). */
  reset(): void {
    this.#histogram.reset();
    this.#count = 0;
    this.#sumMs = 0;
    this.#maxMs = 0;
  }
}
