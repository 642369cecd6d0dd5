/** p50, p99 and max of a set of durations, in milliseconds (the async pool's shape). */
export interface DurationStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

const WINDOW = 1024;

/**
 * Latencies of the most recent tasks (a ring of {@link WINDOW} samples: recording is a store, no
 * allocation) for p50 / p99, and the largest ever seen for `max`. Percentiles are computed when
 * read, which `stats()` callers do rarely.
 */
export class LatencyWindow {
  readonly #samples = new Float64Array(WINDOW);
  #count = 0;
  #max = 0;

  record(ms: number): void {
    const value = Math.max(ms, 0);
    this.#samples[this.#count % WINDOW] = value;
    this.#count++;
    if (value > this.#max) this.#max = value;
  }

  summary(): DurationStats {
    const n = Math.min(this.#count, WINDOW);
    if (n === 0) return { p50: 0, p99: 0, max: 0 };
    const sorted = this.#samples.slice(0, n).sort();
    const at = (q: number) => sorted[Math.min(n - 1, Math.ceil(q * n) - 1)] as number;
    return { p50: at(0.5), p99: at(0.99), max: this.#max };
  }
}
