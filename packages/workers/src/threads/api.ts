import type { Transferable } from 'node:worker_threads';
import type { Disposer } from '@sentinel/core';
import type { TaskEndEvent } from '../pool/events.ts';
import type { MapOptions, MapResult } from '../pool/map-results.ts';
import type { ThreadErrorEvent, ThreadPoolStats } from './events.ts';
import type { ThreadTaskContext } from './thread-entry.ts';

// biome-ignore lint/suspicious/noExplicitAny: a handler's payload and state are whatever the module says.
export type AnyHandler = (payload: any, state: any, ctx: ThreadTaskContext) => unknown;

/** The handlers of a thread module `M` (`typeof import('./handlers.js')`): its functions but `setup`. */
export type HandlerName<M> = {
  [K in keyof M]: K extends 'setup' ? never : M[K] extends AnyHandler ? K : never;
}[keyof M] &
  string;
/** The payload handler `K` of module `M` takes. */
export type PayloadOf<M, K extends keyof M> = M[K] extends (payload: infer P, ...rest: never[]) => unknown ? P : never;
/** What handler `K` of module `M` resolves to. */
export type ResultOf<M, K extends keyof M> = M[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

/** Options of `pool.run`. */
export interface ThreadRunOptions {
  /**
   * Aborting it before the task starts rejects at once and the task never runs (a queued task is
   * removed); while it runs, `run` rejects at once with the reason and the handler's `ctx.signal`
   * aborts (the thread stays busy until the handler returns).
   */
  readonly signal?: AbortSignal | undefined;
  /** `ArrayBuffer`s / `MessagePort`s in the payload to move to the thread instead of copying. */
  readonly transfer?: readonly Transferable[] | undefined;
}

/** Options of `pool.close`. */
export interface ThreadPoolCloseOptions {
  /** Aborting it stops waiting: running tasks reject with the reason and their threads are terminated. */
  readonly signal?: AbortSignal | undefined;
}

/** A pool of `worker_threads`, each with its own state built by the module's `setup`. */
export interface ThreadPool<M = Record<string, AnyHandler>> extends AsyncDisposable {
  /** Runs handler `name` on the next free thread (FIFO) and resolves with what it returns. */
  run<K extends HandlerName<M>>(name: K, payload: PayloadOf<M, K>, options?: ThreadRunOptions): Promise<ResultOf<M, K>>;
  /**
   * The scraper pattern: runs handler `name` on every item, pulled lazily (at most 2 × `threads`
   * items read ahead of the results taken; they do not count against `maxQueue`), yielding one
   * result per item in completion order (or input order with `ordered`). Leaving the loop stops
   * pulling and aborts the tasks in flight; a pool closing under it ends it with `PoolClosedError`.
   */
  map<K extends HandlerName<M>>(
    name: K,
    items: Iterable<PayloadOf<M, K>> | AsyncIterable<PayloadOf<M, K>>,
    options?: MapOptions,
  ): AsyncIterable<MapResult<PayloadOf<M, K>, ResultOf<M, K>>>;
  /** A JSON-serialisable snapshot: per thread, queue, totals, wait and run latencies. */
  stats(): ThreadPoolStats;
  /**
   * Stops accepting tasks (`PoolClosedError`), rejects the queued ones with it, lets running ones
   * finish, then terminates every thread. Idempotent: every call returns the same promise.
   */
  close(options?: ThreadPoolCloseOptions): Promise<void>;
  /** A task that ran on a thread has settled. */
  onTaskEnd(listener: (event: TaskEndEvent) => void): Disposer;
  /** A thread crashed (it is replaced), or a replacement thread's setup failed. */
  onWorkerError(listener: (event: ThreadErrorEvent) => void): Disposer;
}
