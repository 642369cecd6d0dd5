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

// HdrHistogram's layout for a lowest discernible value of 1 (µs): with H = log2(sub-bucket half
// count), value v goes to bucket b = max(0, floor(log2 v) - H) and index (b << H) + (v >> b).
// H is 7 for 2 significant digits (256 sub-buckets) and 10 for 3 (2,048).
const HALF_MAGNITUDE: Record<Precision, number> = { 2: 7, 3: 10 };
const FAST_LIMIT = 2 ** 31;

/**
 * A bounded record of durations: HdrHistogram counts in microseconds, in HDR's own layout, that
 * grow with the largest value seen (never with the number of values), plus the exact count, sum
 * and maximum. Recording is an index computation and an increment into a `Uint32Array` (a load
 * test does it twice per request; hdr-histogram-js's `recordValue`, with its floating-point
 * `log2` and `pow`, cost about ten times more), and percentiles follow HDR's own rule, so each is
 * exactly what hdr-histogram-js reports for the same values (the tests compare them). HDR reports
 * a bucket's highest value, which can sit slightly above the true maximum; every percentile is
 * clamped to the exact maximum, and the mean is exact.
 */
export class LatencyHistogram {
  readonly #half: number;
  #counts: Uint32Array | undefined;
  #count = 0;
  #sumMs = 0;
  #maxMs = 0;

  constructor(precision: Precision = 3) {
    this.#half = HALF_MAGNITUDE[precision];
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
    const value = ms > 0 ? ms : 0;
    this.#count++;
    this.#sumMs += value;
    if (value > this.#maxMs) this.#maxMs = value;
    const us = Math.round(value * US_PER_MS);
    const half = this.#half;
    let index: number;
    if (us < FAST_LIMIT) {
      const bucket = 31 - Math.clz32(us) - half;
      index = bucket > 0 ? (bucket << half) + (us >>> bucket) : us;
    } else {
      index = this.#indexOf(us);
    }
    const counts = this.#counts !== undefined && index < this.#counts.length ? this.#counts : this.#grow(index);
    counts[index] = (counts[index] as number) + 1;
  }

  /** HDR's index of `us` by its own (floating-point) formula, for values beyond 2^31 µs. */
  #indexOf(us: number): number {
    const bucket = Math.max(Math.floor(Math.log2(us)) - this.#half, 0);
    return bucket * 2 ** this.#half + Math.floor(us / 2 ** bucket);
  }

  /** The lowest value (µs) that lands at `index`. */
  #valueOf(index: number): number {
    const bucket = Math.max(Math.floor(index / 2 ** this.#half) - 1, 0);
    return (index - bucket * 2 ** this.#half) * 2 ** bucket;
  }

  /** Counters up to `index`, a whole HDR bucket at a time (as hdr-histogram-js grows). */
  #grow(index: number): Uint32Array {
    const bucketSize = 2 ** this.#half;
    const grown = new Uint32Array(Math.max(2 * bucketSize, (Math.floor(index / bucketSize) + 1) * bucketSize));
    if (this.#counts !== undefined) grown.set(this.#counts);
    this.#counts = grown;
    return grown;
  }

  /** The size of the range of values that land at `index` (HDR's sizeOfEquivalentValueRange). */
  #sizeAt(index: number): number {
    return 2 ** Math.max(Math.floor(index / 2 ** this.#half) - 1, 0);
  }

  /**
   * HDR's getValueAtPercentile, in µs, for each of `percentiles` (ascending), in one pass: the
   * highest value of the first index at which the running count reaches the percentile's count
   * (rounded up, minus one ulp of float error, as HDR does), the lowest for percentile 0.
   */
  #valuesAt(percentiles: readonly number[]): number[] {
    const values: number[] = new Array(percentiles.length).fill(0);
    const counts = this.#counts;
    if (counts === undefined) return values;
    let running = 0;
    let i = 0;
    for (let k = 0; k < percentiles.length; k++) {
      const percentile = percentiles[k] as number;
      const fp = (Math.min(percentile, 100) / 100) * this.#count;
      const target = Math.max(Math.ceil(fp - 2 ** (Math.floor(Math.log2(fp)) - 52)), 1);
      while (running < target && i < counts.length) running += counts[i++] as number;
      if (running < target) break;
      const at = i - 1;
      const lowest = this.#valueOf(at);
      values[k] = percentile === 0 ? lowest : lowest + this.#sizeAt(at) - 1;
    }
    return values;
  }

  /** The duration in ms at `percentile` (0–100), clamped to the exact maximum; 0 when empty. */
  percentile(percentile: number): number {
    return this.percentiles([percentile])[0] as number;
  }

  /** {@link percentile} for each of `percentiles`, in ascending order, in one pass over the counts. */
  percentiles(percentiles: readonly number[]): number[] {
    if (this.#count === 0) return percentiles.map(() => 0);
    return this.#valuesAt(percentiles).map((us) => roundMs(Math.min(us / US_PER_MS, this.#maxMs)));
  }

  /** p50, p90, p99, p99.9, the exact max and the exact mean, in ms. */
  summary(): LatencySummary {
    const [p50, p90, p99, p999] = this.percentiles([50, 90, 99, 99.9]) as [number, number, number, number];
    return {
      p50,
      p90,
      p99,
      p999,
      max: roundMs(this.#maxMs),
      mean: this.mean(),
    };
  }

  /** The exact mean in ms (0 when empty). */
  mean(): number {
    return this.#count === 0 ? 0 : roundMs(this.#sumMs / this.#count);
  }

  /**
   * Points of the percentile curve, the way HdrHistogram plots are drawn: 0 %, then `ticksPerHalf`
   * points in each halving of the distance to 100 % (50, 75, 87.5, ... with 1 tick per half), up
   * to the resolution the count allows (1 / count), then 100 % = the exact max.
   */
  distribution(ticksPerHalf = 4): PercentilePoint[] {
    if (this.#count === 0) return [];
    const ticks: number[] = [];
    const floor = 1 / this.#count;
    for (let tick = 0; ; tick++) {
      const remaining = 0.5 ** (tick / ticksPerHalf);
      if (remaining < floor) break;
      ticks.push(Math.round((1 - remaining) * 1e6) / 1e4);
    }
    const ms = this.percentiles(ticks);
    const points: PercentilePoint[] = ticks.map((percentile, k) => ({ percentile, ms: ms[k] as number }));
    points.push({ percentile: 100, ms: roundMs(this.#maxMs) });
    return points;
  }

  /** Adds every value of `other` (same or lower precision) to this one. */
  add(other: LatencyHistogram): void {
    const theirs = other.#counts;
    if (other.#count === 0 || theirs === undefined) return;
    for (let i = 0; i < theirs.length; i++) {
      const count = theirs[i] as number;
      if (count === 0) continue;
      const index = other.#half === this.#half ? i : this.#indexOf(other.#valueOf(i));
      const counts = this.#counts !== undefined && index < this.#counts.length ? this.#counts : this.#grow(index);
      counts[index] = (counts[index] as number) + count;
    }
    this.#count += other.#count;
    this.#sumMs += other.#sumMs;
    if (other.#maxMs > this.#maxMs) this.#maxMs = other.#maxMs;
  }

  /** Forgets every value (the counters already grown are kept for reuse). */
  reset(): void {
    this.#counts?.fill(0);
    this.#count = 0;
    this.#sumMs = 0;
    this.#maxMs = 0;
  }
}
