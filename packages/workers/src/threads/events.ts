import type { DurationStats } from './latency.ts';

/** Payload of `onTaskEnd`: a task that ran on a thread has settled. */
export interface ThreadTaskEndEvent {
  /** The thread slot that ran it. */
  readonly workerIndex: number;
  /**
   * What the caller was told: `true` when `run` resolved (or `map` yielded `ok: true`). A task
   * aborted while running is `false` with the abort reason, even if its handler returned.
   */
  readonly ok: boolean;
  /** From `run()` to the start of the handler on its thread, in ms. */
  readonly waitMs: number;
  /** The handler's run time until it really settled, measured in its thread, in ms. */
  readonly runMs: number;
  /** The task's error (a `WorkerCrashedError` when its thread died, or the abort reason); `undefined` when ok. */
  readonly error: unknown;
}

/** Payload of `onWorkerError`: a thread crashed, or a replacement thread's setup failed. */
export interface ThreadErrorEvent {
  /** The thread slot; -1 when unknown. */
  readonly workerIndex: number;
  /** `'crash'`: the thread died (it is replaced); `'setup'`: a replacement thread's `setup` threw. */
  readonly phase: 'crash' | 'setup';
  readonly error: unknown;
}

/** One thread slot in {@link ThreadPoolStats}. */
export interface ThreadStats {
  readonly index: number;
  /** A task is running on it (an aborted task keeps it busy until the handler really returns). */
  readonly busy: boolean;
  /** Tasks started on this slot, the running one included (across replacements). */
  readonly tasks: number;
  /** Tasks that ended with `ok: true` / `ok: false` (an aborted task counts as failed). */
  readonly succeeded: number;
  readonly failed: number;
  /**
   * The thread's `state.client.status()` (or `state.status()`), as reported with its last task;
   * `null` before its first task or when the state has none.
   */
  readonly status: unknown;
}

/** `pool.stats()`: a plain, JSON-serialisable snapshot — the same shape as the async pool's. */
export interface ThreadPoolStats {
  readonly workers: readonly ThreadStats[];
  /** Tasks waiting for a free thread. */
  readonly queued: number;
  /** Tasks on a thread right now. */
  readonly running: number;
  /** Tasks that ran and succeeded. */
  readonly completed: number;
  /** Tasks that ran and failed: threw, their thread crashed, or aborted while running. */
  readonly failed: number;
  /** Tasks refused without running: queue full, pool closed, aborted before they started. */
  readonly rejected: number;
  /** Threads that died (uncaught error, `process.exit`) and were replaced. */
  readonly crashes: number;
  /** Time tasks waited for a thread (the most recent 1,024 tasks; `max` over the pool's life). */
  readonly waitMs: DurationStats;
  /** Handler time until the task really settled (same window). */
  readonly runMs: DurationStats;
  /** `close()` was called. */
  readonly closed: boolean;
}
