import type { BucketHistogram } from '../latency/bucket-histogram.ts';

/** p50, p99 and max of a set of durations, in milliseconds. */
export interface DurationStats {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** One worker in {@link PoolStats}. */
export interface WorkerStats {
  readonly index: number;
  /** Running a task now. */
  readonly busy: boolean;
  /** Tasks started on this worker (including the one running). */
  readonly tasks: number;
  /** Tasks that ended with `ok: true` / `ok: false` (an aborted task counts as failed). */
  readonly succeeded: number;
  readonly failed: number;
  /**
   * The worker's own report: `client.status()` when its state has a `client` with `status()`
   * (breakers by origin, limiter, pool, counters), else the state's own `status()`, else `null`.
   */
  readonly status: unknown;
}

/** What `pool.stats()` returns: plain JSON. */
export interface PoolStats {
  readonly workers: readonly WorkerStats[];
  /** Tasks waiting for a free worker now. */
  readonly queued: number;
  /** Tasks running now (an aborted task runs until it really settles). */
  readonly running: number;
  /** Tasks that ran and succeeded. */
  readonly completed: number;
  /** Tasks that ran and failed (threw, or were aborted while running). */
  readonly failed: number;
  /** Tasks that never ran: queue full, pool closed, or aborted before a worker took them. */
  readonly rejected: number;
  /** Time tasks waited for a worker (tasks that started, over the pool's life). */
  readonly waitMs: DurationStats;
  /** Time from start until the task really settled. */
  readonly runMs: DurationStats;
  /** `close()` was called. */
  readonly closed: boolean;
}

/** p50, p99 and the exact max of a pool's wait or run times (both pools record them per task). */
export function durationStats(histogram: BucketHistogram): DurationStats {
  return { p50: histogram.percentile(50), p99: histogram.percentile(99), max: histogram.maxMs };
}
