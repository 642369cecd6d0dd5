import type { LatencySummary } from './latency.ts';

/** Payload of `onTaskEnd`: a task that ran on a thread has settled. */
export interface ThreadTaskEndEvent {
  /** The thread slot that ran it. */
  readonly workerIndex: number;
  readonly ok: boolean;
  /** From `run()` to the start of the handler on its thread. */
  readonly waitMs: number;
  /** The handler's own run time, measured in the thread. */
  readonly runMs: number;
  /** What it failed with (a `WorkerCrashedError` when its thread died); `undefined` when ok. */
  readonly error: unknown;
}

/** Payload of `onWorkerError`: a thread crashed, or a replacement thread's setup failed. */
export interface ThreadErrorEvent {
  /** The thread slot; -1 when unknown. */
  readonly workerIndex: number;
  readonly error: unknown;
}

/** One thread slot in {@link ThreadPoolStats}. */
export interface ThreadStats {
  readonly index: number;
  /** A task is running on it (an aborted task keeps it busy until the handler really returns). */
  readonly busy: boolean;
  /** Tasks that ran on this slot (across replacements). */
  readonly tasks: number;
  readonly succeeded: number;
  readonly failed: number;
  /**
   * The thread's `state.client.status()` (or `state.status()`), as reported with its last task;
   * `undefined` before its first task or when the state has none.
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
  /** Tasks that ran to the end, ok or not. */
  readonly completed: number;
  /** Of `completed`, those that threw or whose thread crashed. */
  readonly failed: number;
  /** Tasks refused without running: queue full, pool closed, aborted before they started. */
  readonly rejected: number;
  /** Threads that died (uncaught error, `process.exit`) and were replaced. */
  readonly crashes: number;
  readonly waitMs: LatencySummary;
  readonly runMs: LatencySummary;
}
