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
export type { LatencySummary, PercentilePoint } from './latency/latency-histogram.ts';
export { formatReport } from './load-test/format-report.ts';
export { loadTest } from './load-test/load-test.ts';
export type { LoadTestOptions, LoadTestWorker, PhaseLength } from './load-test/options.ts';
export type {
  BreakerTransition,
  LoadTestProgress,
  LoadTestReport,
  TimelineEntry,
  WorkerReport,
} from './load-test/report.ts';
export type { CloseOptions, RunOptions, WorkerPool } from './pool/api.ts';
export { createWorkerPool } from './pool/create-worker-pool.ts';
export type { TaskEndEvent, WorkerErrorEvent, WorkerPhase } from './pool/events.ts';
export type { MapOptions, MapResult } from './pool/map-results.ts';
export type { SetupContext, WorkerPoolOptions } from './pool/options.ts';
export type { DurationStats, PoolStats, WorkerStats } from './pool/stats.ts';
export type { TaskContext, TaskFunction } from './pool/task.ts';
export type {
  HandlerName,
  PayloadOf,
  ResultOf,
  ThreadPool,
  ThreadPoolCloseOptions,
  ThreadRunOptions,
} from './threads/api.ts';
export { createThreadPool } from './threads/create-thread-pool.ts';
export type { ThreadErrorEvent, ThreadPoolStats } from './threads/events.ts';
export type { ThreadPoolOptions } from './threads/options.ts';
export type { ThreadTaskContext } from './threads/thread-entry.ts';
