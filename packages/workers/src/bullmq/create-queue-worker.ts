import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { WorkerPool } from '../pool/api.ts';
import { createWorkerPool } from '../pool/create-worker-pool.ts';
import { backoffStrategy } from './backoff-strategy.ts';
import { type QueueJobContext, type QueueWorkerOptions, resolveQueueWorkerOptions } from './options.ts';
import { defaultIsRetryable, pauseOf } from './outcome.ts';
import { closeGracefully, onTerminationSignals } from './shutdown.ts';

/** Written to a job's log (BullMQ's `job.log`) before an unkeyed unsafe write is sent. */
export const UNKEYED_WRITE_MARK = 'sentinel: unkeyed unsafe write sent';

// With a `limiter`, BullMQ's own rate-limit key is honoured by every worker of the queue; without
// one it is ignored. This one never limits by count (2^53 jobs in 1 ms), and its counting key
// lives 1 ms: it only makes `queue.rateLimit(ms)` — the pause after a 429 — bind every process.
const PAUSE_ONLY_LIMITER = { max: Number.MAX_SAFE_INTEGER, duration: 1 };
/** A job that waited at least this long after becoming active checks the queue's pause first. */
const PAUSE_CHECK_AFTER_MS = 5;
/** Thrown inside a job that found the queue paused before its handler ran: back to wait. */
const PAUSED = Symbol('paused');

/**
 * Runs a BullMQ queue's jobs on a client-per-worker pool in this process, with the fleet rules:
 *
 * - each job runs on one pool worker (`handler(job.data, worker, ctx)`), so a worker's client is
 *   never shared; `ctx.idempotencyKey` (`<queue>:<job id>`) is stable across attempts,
 *   redeliveries and processes — send it with every write;
 * - a 429 (its Retry-After) or an open circuit breaker (its `retryAfterMs`) pauses the whole
 *   queue for that long in every process (`queue.rateLimit`), and the job goes back to wait
 *   without spending an attempt;
 * - a retryable failure uses BullMQ's attempts, with the `backoff` shape for jobs added with
 *   `backoff: { type: 'sentinel' }`; a non-retryable one (a 4xx, a refused resend) is final
 *   (`UnrecoverableError`);
 * - an attempt that sent an unkeyed unsafe write (`ctx.unkeyedWrite()`) is never retried, and a
 *   redelivery after a crash fails with `UnrecoverableError` unless `resendUnkeyed(job)`;
 * - `limiter` (a `redisTokenBucket`): one permit per job attempt, shared by every process; a job
 *   that had to wait (for its permit) checks the queue's pause before sending;
 * - `close()` (the Worker's own) stops taking jobs, lets active ones finish (up to
 *   `closeTimeoutMs`, then aborts their `ctx.signal`), closes the pool and the queue handle.
 *
 * The producer side is plain BullMQ: `new Queue(name, { connection }).addBulk([...])`.
 *
 * @returns the started BullMQ `Worker`.
 * @throws ConfigError (as a rejection) for a bad option; a `setup` error as it was thrown.
 */
export async function createQueueWorker<W, D = unknown, R = unknown>(
  options: QueueWorkerOptions<W, D, R>,
): Promise<Worker<D, R>> {
  const o = resolveQueueWorkerOptions(options, defaultIsRetryable);
  const pool: WorkerPool<W> = await createWorkerPool<W>({
    workers: o.workers,
    setup: o.setup,
    ...(o.teardown === undefined ? {} : { teardown: o.teardown }),
    clock: o.clock,
  });
  const prefix = o.workerOptions.prefix;
  // A handle for queue-level calls (the pause); it shares the worker's Redis settings.
  const queue = new Queue(o.queue, { connection: o.connection, ...(prefix === undefined ? {} : { prefix }) });
  queue.on('error', () => {});

  const processor = async (job: Job<D, R>): Promise<R> => {
    if (job.stalledCounter > 0 && !o.resendUnkeyed(job) && (await sentUnkeyedWrite(queue, job))) {
      throw new UnrecoverableError(
        `job ${job.id} was redelivered after its process stopped, and that delivery had started an unsafe write without an idempotency key, which may have reached the server: not sent again (resendUnkeyed allows it)`,
      );
    }
    const fetchedAt = o.clock.now();
    let unkeyed = false;
    try {
      return await pool.run((state, task) => {
        const context: QueueJobContext = {
          job: job as Job,
          idempotencyKey: `${o.queue}:${job.id}`,
          signal: task.signal,
          attempt: job.attemptsMade + 1,
          workerIndex: task.workerIndex,
          async unkeyedWrite() {
            unkeyed = true;
            await job.log(UNKEYED_WRITE_MARK);
          },
        };
        const run = async () => {
          // A job that waited (for a permit, or a busy event loop) since BullMQ made it active may
          // have been overtaken by a pause another process set meanwhile (BullMQ only stops jobs
          // from becoming active): it asks before sending. One that did not wait asks nothing,
          // so the common path costs no extra round trip.
          if (
            o.clock.now() - fetchedAt >= PAUSE_CHECK_AFTER_MS &&
            (await queue.getRateLimitTtl(PAUSE_ONLY_LIMITER.max)) > 0
          ) {
            throw PAUSED;
          }
          return o.handler(job.data, state, context);
        };
        return o.limiter === undefined ? run() : o.limiter.acquire(1, { signal: task.signal }).then(run);
      });
    } catch (error) {
      if (error === PAUSED) throw Worker.RateLimitError();
      const pauseMs = pauseOf(error, o.defaultPauseMs, o.maxPauseMs);
      if (pauseMs !== undefined) await queue.rateLimit(pauseMs);
      if (unkeyed) {
        throw unrecoverable(
          `job ${job.id} failed after an unsafe write without an idempotency key: not retried (${messageOf(error)})`,
          error,
        );
      }
      // Back to wait, attempt not spent; every worker of the queue waits out the pause first.
      if (pauseMs !== undefined) throw Worker.RateLimitError();
      if (!o.isRetryable(error)) throw unrecoverable(messageOf(error), error);
      throw error;
    }
  };

  const worker = new Worker<D, R>(o.queue, processor, {
    limiter: PAUSE_ONLY_LIMITER,
    ...o.workerOptions,
    settings: {
      ...o.workerOptions.settings,
      ...(o.backoff === undefined ? {} : { backoffStrategy: backoffStrategy(o.backoff, o.random) }),
    },
    connection: o.connection,
    concurrency: o.concurrency,
    autorun: false,
  });
  const signals = o.handleSignals ? onTerminationSignals(() => worker.close()) : undefined;
  const closeWorker = worker.close.bind(worker);
  let closing: Promise<void> | undefined;
  worker.close = (force?: boolean) => {
    closing ??= closeGracefully({
      closeWorker,
      force: force === true,
      pool,
      queue,
      timeoutMs: o.closeTimeoutMs,
      clock: o.clock,
    }).finally(() => signals?.dispose());
    return closing;
  };
  void worker.run().catch(() => {});
  await worker.waitUntilReady();
  return worker;
}

async function sentUnkeyedWrite(queue: Queue, job: Job): Promise<boolean> {
  const { logs } = await queue.getJobLogs(job.id as string, 0, -1);
  return logs.includes(UNKEYED_WRITE_MARK);
}

function unrecoverable(message: string, cause: unknown): UnrecoverableError {
  const error = new UnrecoverableError(message);
  Object.defineProperty(error, 'cause', { value: cause, writable: true, configurable: true });
  return error;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
