/**
 * `@sentinel/workers` (Node-only): client-per-worker pools — async workers and `worker_threads` —
 * and the seed's three production patterns on top of them: the API gateway (`pool.run`), the
 * scraper (`pool.map`) and the load test (`loadTest`).
 */
export {
  isPoolClosedError,
  isQueueFullError,
  isWorkerCrashedError,
  PoolClosedError,
  QueueFullError,
  WorkerCrashedError,
} from './errors.ts';
export type {
  HandlerName,
  PayloadOf,
  ResultOf,
  ThreadPool,
  ThreadPoolCloseOptions,
  ThreadRunOptions,
} from './threads/api.ts';
export type { ThreadErrorEvent, ThreadPoolStats, ThreadStats, ThreadTaskEndEvent } from './threads/events.ts';
export type { DurationStats } from './threads/latency.ts';
export type { MapFailure, MapOptions, MapResult, MapSuccess } from './threads/map.ts';
export type { ThreadPoolOptions } from './threads/options.ts';
export type { ThreadTaskContext } from './threads/thread-entry.ts';
export { createThreadPool } from './threads/thread-pool.ts';
