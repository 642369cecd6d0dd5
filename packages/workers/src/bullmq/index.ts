/**
 * `@sentinel/workers/bullmq`: a BullMQ queue's jobs on a client-per-worker pool, with the fleet
 * rules (stable idempotency keys, no blind resend of unkeyed writes, a 429 or an open breaker
 * pauses the whole queue, `@sentinel/backoff` shapes as BullMQ backoff, a shared Redis limiter,
 * graceful shutdown). Needs `bullmq` (6.x) and `ioredis`.
 */
export { SENTINEL_BACKOFF } from './backoff-strategy.ts';
export { createQueueWorker, UNKEYED_WRITE_MARK } from './create-queue-worker.ts';
export type { QueueJobContext, QueueJobHandler, QueueWorkerOptions, SharedLimiter } from './options.ts';
export { CloseTimeoutError } from './shutdown.ts';
