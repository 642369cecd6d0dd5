import { roundMs } from './latency-histogram.ts';

// Log-linear buckets over whole microseconds: exact below 256 µs, then 128 buckets per power of
// two (at most 0.8 % wide) up to 2^31 µs (about 36 minutes); longer values share the last bucket.
const SUB_BITS = 7;
const SUB = 1 << SUB_BITS;
const LINEAR = SUB * 2;
const BUCKETS = LINEAR + (31 - (SUB_BITS + 1)) * SUB;
const MAX_US = 2 ** 31 - 1;

function indexOf(us: number): number {
  if (us < LINEAR) return us;
  const exponent = 31 - Math.clz32(us);
  const shift = exponent - SUB_BITS;
  return LINEAR + (exponent - (SUB_BITS + 1)) * SUB + ((us >>> shift) - SUB);
}

function highestValueOf(index: number): number {
  if (index < LINEAR) return index;
  const exponent = Math.floor((index - LINEAR) / SUB) + SUB_BITS + 1;
  const shift = exponent - SUB_BITS;
  const sub = ((index - LINEAR) % SUB) + SUB;
  return (sub + 1) * 2 ** shift - 1;
}

/**
 * A small, fast histogram for what is recorded on every task or request (the pool's wait and run
 * times, a load test's current second): one
 * `Uint32Array` of 3,328 counters (13 KB), allocated on the first record, and a record is an
 * index computation and an increment (the HDR histogram costs about 10× more per record, which
 * `pool.run`'s overhead budget cannot afford). Percentiles are a bucket's highest value (like
 * HDR's), clamped to the exact max.
 */
export class BucketHistogram {
  #counts: Uint32Array | undefined;
  #count = 0;
  #maxMs = 0;

  record(ms: number): void {
    // biome-ignore lint/complexity/useMathMinMax: NaN must become 0 as well, which Math.max would not do.
    const value = ms > 0 ? ms : 0;
    if (value > this.#maxMs) this.#maxMs = value;
    this.#count++;
    const us = value * 1000;
    this.#counts ??= new Uint32Array(BUCKETS);
    const counts = this.#counts;
    const index = indexOf(us < MAX_US ? us | 0 : MAX_US);
    counts[index] = (counts[index] as number) + 1;
  }

  /** The value in ms at `percentile` (0–100); 0 when empty. */
  percentile(percentile: number): number {
    const counts = this.#counts;
    if (counts === undefined || this.#count === 0) return 0;
    const target = Math.max(1, Math.ceil((percentile / 100) * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i] as number;
      // The last bucket is open-ended: its values are only known by the exact max.
      if (seen >= target)
        return roundMs(i === BUCKETS - 1 ? this.#maxMs : Math.min(highestValueOf(i) / 1000, this.#maxMs));
    }
    return roundMs(this.#maxMs);
  }

  get maxMs(): number {
    return roundMs(this.#maxMs);
  }

  /** Values recorded. */
  get count(): number {
    return this.#count;
  }

  /** Forgets every value (the counters already allocated are kept for reuse). */
  reset(): void {
    this.#counts?.fill(0);
    this.#count = 0;
    this.#maxMs = 0;
  }
}
