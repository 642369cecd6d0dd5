import type { Disposer, Listener } from '@sentinel/core';
import type { TaskEndEvent, WorkerErrorEvent } from './events.ts';
import type { MapOptions, MapResult } from './map-results.ts';
import type { PoolStats } from './stats.ts';
import type { TaskContext, TaskFunction } from './task.ts';

/** Options of `pool.run`. */
export interface RunOptions {
  /**
   * Aborting it removes a queued task (rejecting with `signal.reason`), or rejects a running
   * one at once and aborts its `ctx.signal`; the worker stays busy until the task settles.
   * @default none
   */
  readonly signal?: AbortSignal | undefined;
}

/** Options of `pool.close`. */
export interface CloseOptions {
  /**
   * When it aborts, running tasks are aborted (their callers rejected with its reason) instead of awaited.
   * @default none
   */
  readonly signal?: AbortSignal | undefined;
}

/** A pool of workers, each with its own state; see {@link createWorkerPool}. */
export interface WorkerPool<W> {
  /** Number of workers. */
  readonly size: number;
  /**
   * The API gateway pattern: runs `task(worker, ctx)` on the next free worker (FIFO), one task
   * per worker at a time, and settles with what it returns or throws.
   *
   * Rejects with `PoolClosedError` after `close()`, `QueueFullError` at once when `maxQueue`
   * tasks already wait, `signal.reason` when the signal is (or becomes) aborted, and a
   * `ConfigError` when `task` is not a function.
   */
  run<R>(task: TaskFunction<W, R>, options?: RunOptions): Promise<R>;
  /**
   * The scraper pattern: runs `fn(item, worker, ctx)` for every item of `items` (any iterable or
   * async iterable, pulled lazily: never more than `size` items running plus `size` finished
   * results waiting for you), yielding one result per item, in completion order or, with
   * `ordered: true`, input order. A failing item is a result with `ok: false`, not an error.
   * Breaking out of the loop stops pulling, aborts the running items' `ctx.signal` and waits for
   * them to settle. The iteration throws the source's error, the signal's reason, or
   * `PoolClosedError`, after yielding what had finished.
   *
   * @throws ConfigError synchronously when `items` is not iterable or `fn` not a function.
   */
  map<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, worker: W, context: TaskContext) => R | PromiseLike<R>,
    options?: MapOptions,
  ): AsyncIterableIterator<MapResult<T, Awaited<R>>>;
  /** Counters, per-worker state and status, and wait/run time percentiles: plain JSON. */
  stats(): PoolStats;
  /**
   * Stops accepting tasks (`PoolClosedError`), rejects the queued ones with it, waits for the
   * running ones (or aborts them when `signal` aborts), then tears every worker down. Idempotent:
   * every call returns the same promise (a later call's signal can still force it). Rejects with
   * a teardown's error (an `AggregateError` for several) after every worker was torn down.
   */
  close(options?: CloseOptions): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** A task that ran has settled. */
  onTaskEnd(listener: Listener<TaskEndEvent>): Disposer;
  /** A worker failed outside a task (its teardown threw during `close()`). */
  onWorkerError(listener: Listener<WorkerErrorEvent>): Disposer;
}
