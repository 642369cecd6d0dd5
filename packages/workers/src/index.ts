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
