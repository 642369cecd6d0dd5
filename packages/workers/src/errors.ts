import { isSentinelError, RejectedError, SentinelError, type SentinelErrorOptions } from '@sentinel/core';

/**
 * The pool is closed (or closing): the task was refused, or was still queued when `close()` was
 * called. The task never started. A `RejectedError`, so retries and breakers treat it as "not run".
 */
export class PoolClosedError extends RejectedError<'SENTINEL_POOL_CLOSED'> {
  constructor(message = 'the worker pool is closed', options?: SentinelErrorOptions) {
    super('SENTINEL_POOL_CLOSED', message, options);
  }
}
nameOn(PoolClosedError, 'PoolClosedError');

/**
 * More tasks are waiting for a free worker than the pool's `maxQueue` allows: the task was refused
 * at once and never started.
 */
export class QueueFullError extends RejectedError<'SENTINEL_QUEUE_FULL'> {
  /** The `maxQueue` that was reached. */
  readonly maxQueue: number;

  constructor(maxQueue: number, options?: SentinelErrorOptions) {
    super('SENTINEL_QUEUE_FULL', `the worker pool's queue is full (maxQueue ${maxQueue})`, options);
    this.maxQueue = maxQueue;
  }
}
nameOn(QueueFullError, 'QueueFullError');

/**
 * The worker thread running the task died (an uncaught error, `process.exit`, out of memory)
 * before the task settled. Only that task fails; the pool replaces the thread.
 */
export class WorkerCrashedError extends SentinelError<'SENTINEL_WORKER_CRASHED'> {
  /** Index of the thread slot that crashed. */
  readonly workerIndex: number;

  constructor(workerIndex: number, message: string, options?: SentinelErrorOptions) {
    super('SENTINEL_WORKER_CRASHED', message, options);
    this.workerIndex = workerIndex;
  }
}
nameOn(WorkerCrashedError, 'WorkerCrashedError');

/** True for a {@link PoolClosedError} from any installed copy of this package. */
export function isPoolClosedError(error: unknown): error is PoolClosedError {
  return isSentinelError(error) && error.code === 'SENTINEL_POOL_CLOSED';
}

/** True for a {@link QueueFullError} from any installed copy of this package. */
export function isQueueFullError(error: unknown): error is QueueFullError {
  return isSentinelError(error) && error.code === 'SENTINEL_QUEUE_FULL';
}

/** True for a {@link WorkerCrashedError} from any installed copy of this package. */
export function isWorkerCrashedError(error: unknown): error is WorkerCrashedError {
  return isSentinelError(error) && error.code === 'SENTINEL_WORKER_CRASHED';
}

// The name lives on the prototype, like core's errors: instances stay small, minifiers cannot rename it.
function nameOn(target: { prototype: object }, name: string): void {
  Object.defineProperty(target.prototype, 'name', { value: name, writable: true, configurable: true });
}
