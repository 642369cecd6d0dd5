/**
 * The last `size` latencies, for an exact percentile in bounded memory: a ring in arrival order
 * (to know which sample leaves) and the same samples kept sorted (to read a percentile at once).
 * Adding a sample costs two binary searches and one `copyWithin` of the samples between the
 * leaving one and the new one; reading is O(1). Memory: 16 bytes per slot, allocated up front.
 */
export class LatencyWindow {
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #count = 0;
  #next = 0;

  constructor(size: number) {
    this.#ring = new Float64Array(size);
    this.#sorted = new Float64Array(size);
  }

  /** Samples held: at most the window's size. */
  get count(): number {
    return this.#count;
  }

  /** Adds a latency, dropping the oldest once the window is full. */
  add(ms: number): void {
    const sorted = this.#sorted;
    const count = this.#count;
    const at = lowerBound(sorted, count, ms);
    if (count < this.#ring.length) {
      sorted.copyWithin(at + 1, at, count);
      sorted[at] = ms;
      this.#count = count + 1;
    } else {
      // Full: the new sample takes the oldest's place, so only the samples between the two
      // positions move, by one.
      const out = lowerBound(sorted, count, this.#ring[this.#next] as number);
      if (at > out) {
        sorted.copyWithin(out, out + 1, at);
        sorted[at - 1] = ms;
      } else {
        sorted.copyWithin(at + 1, at, out);
        sorted[at] = ms;
      }
    }
    this.#ring[this.#next] = ms;
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  /**
   * The nearest-rank percentile (`percentile` in (0, 100]) of the samples held: the smallest
   * sample at or below which `percentile` % of them lie. `undefined` when empty.
   */
  percentile(percentile: number): number | undefined {
    const count = this.#count;
    if (count === 0) return undefined;
    const rank = Math.min(count, Math.max(1, Math.ceil((percentile / 100) * count)));
    return this.#sorted[rank - 1];
  }
}

/** The first index in `sorted[0, count)` whose value is >= `value`. */
function lowerBound(sorted: Float64Array, count: number, value: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
