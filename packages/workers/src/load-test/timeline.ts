import { BucketHistogram } from '../latency/bucket-histogram.ts';
import { bump } from './outcome-fields.ts';
import type { TimelineEntry } from './report.ts';

/**
 * Per-second buckets by completion time. Only the current second holds a histogram (counters,
 * reused: recording is an increment); a finished second keeps its counts and p50/p99. Seconds in which nothing completed are
 * filled in, so a stall shows as a gap rather than disappearing.
 */
export class Timeline {
  readonly #entries: TimelineEntry[] = [];
  readonly #histogram = new BucketHistogram();
  #second = 0;
  // Where the current second ends: most requests complete before it, and skip #moveTo.
  #secondEndMs = 1000;
  #requests = 0;
  #ok = 0;
  #failed = 0;
  #retries = 0;
  #errors: Record<string, number> = {};

  /** A request that completed `atMs` after the start. */
  request(atMs: number, ok: boolean, latencyMs: number, errorKey: string | undefined): void {
    if (atMs >= this.#secondEndMs) this.#moveTo(atMs);
    this.#requests++;
    if (ok) this.#ok++;
    else {
      this.#failed++;
      if (errorKey !== undefined) bump(this.#errors, errorKey);
    }
    this.#histogram.record(latencyMs);
  }

  /** Retries seen `atMs` after the start. */
  retries(atMs: number, count: number): void {
    if (count <= 0) return;
    this.#moveTo(atMs);
    this.#retries += count;
  }

  /** Every second up to `elapsedMs` (the last one may be partial). */
  finish(elapsedMs: number): TimelineEntry[] {
    this.#moveTo(elapsedMs);
    if (this.#requests > 0 || this.#retries > 0 || this.#entries.length === 0 || elapsedMs > this.#second * 1000) {
      this.#close();
    }
    return this.#entries;
  }

  #moveTo(atMs: number): void {
    const second = Math.max(0, Math.floor(atMs / 1000));
    while (second > this.#second) {
      this.#close();
      this.#second++;
    }
    this.#secondEndMs = (this.#second + 1) * 1000;
  }

  #close(): void {
    const empty = this.#requests === 0;
    this.#entries.push({
      second: this.#second,
      requests: this.#requests,
      ok: this.#ok,
      failed: this.#failed,
      retries: this.#retries,
      p50: empty ? null : this.#histogram.percentile(50),
      p99: empty ? null : this.#histogram.percentile(99),
      errors: this.#errors,
    });
    this.#histogram.reset();
    this.#requests = 0;
    this.#ok = 0;
    this.#failed = 0;
    this.#retries = 0;
    this.#errors = {};
  }
}
