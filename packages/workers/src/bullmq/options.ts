import { type Backoff, type Clock, optionChecker, type Random } from '@sentinel/core';
import type { ConnectionOptions, Job, WorkerOptions } from 'bullmq';
import type { SetupContext } from '../pool/options.ts';

/** What a job's handler receives besides its data and its worker's state. */
export interface QueueJobContext {
  /** The BullMQ job (read it; let this package settle it). */
  readonly job: Job;
  /**
   * Stable for the job across attempts, redeliveries and processes: `<queue>:<job id>`. Send it
   * with every write (an `Idempotency-Key` header), so a write BullMQ delivers twice (its process
   * died mid-job) reaches the server with the same key.
   */
  readonly idempotencyKey: string;
  /** Aborted when the worker is closed and the job cannot finish within `closeTimeoutMs`. */
  readonly signal: AbortSignal;
  /** 1 for the first attempt (BullMQ's `attemptsMade + 1`). */
  readonly attempt: number;
  /** The pool worker running the job. */
  readonly workerIndex: number;
  /**
   * Call (and await) right before sending an unsafe write (POST, PATCH, ...) WITHOUT the
   * idempotency key. It is recorded in Redis first, so: a failure of this attempt is final (no
   * retry could know whether the write was applied), and a redelivery after a crash fails the
   * job with `UnrecoverableError` instead of sending the write again, unless the job opted in
   * (`resendUnkeyed`).
   */
  unkeyedWrite(): Promise<void>;
}

/** The job handler: runs on one pool worker, with that worker's own client. */
export type QueueJobHandler<W, D, R> = (data: D, worker: W, context: QueueJobContext) => R | PromiseLike<R>;

/** A limiter shared by every process (a `redisTokenBucket`): one permit per job. */
export interface SharedLimiter {
  acquire(n?: number, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** Options of {@link createQueueWorker}. */
export interface QueueWorkerOptions<W, D = unknown, R = unknown> {
  /** The BullMQ queue's name. Should serve one origin or API: a 429 or an open breaker pauses all of it. */
  readonly queue: string;
  /** BullMQ's connection (ioredis options or an ioredis instance); see BullMQ's docs. */
  readonly connection: ConnectionOptions;
  /** Pool workers in this process (each with its own client): an integer >= 1. */
  readonly workers: number;
  /** Builds worker `index`'s state, typically `{ client: createClient({...}) }`; see `createWorkerPool`. */
  readonly setup: (index: number, context: SetupContext) => W | Promise<W>;
  /** Releases a worker's state on close. @default closes what `W` holds (see `createWorkerPool`). */
  readonly teardown?: ((worker: W, index: number) => unknown) | undefined;
  /** Runs one job. */
  readonly handler: QueueJobHandler<W, D, R>;
  /**
   * A limit owed to the remote API, shared by every process (a `redisTokenBucket`): one permit is
   * acquired per job attempt before the handler runs.
   * @default none
   */
  readonly limiter?: SharedLimiter | undefined;
  /** Jobs in flight in this process: an integer in [1, workers]. @default workers */
  readonly concurrency?: number | undefined;
  /**
   * The delay before retry `attempt` of a job added with `backoff: { type: 'sentinel' }` (and
   * `attempts` > 1): a `@sentinel/backoff` shape (`exponential({...})`, `decorrelatedJitter(...)`).
   * Other backoff types stay BullMQ's.
   * @default none (BullMQ's own backoff types only)
   */
  readonly backoff?: Backoff | undefined;
  /**
   * Whether a failure may be retried by BullMQ. A failure that is not is final
   * (`UnrecoverableError`, the job fails at once).
   * @default not a non-retryable error (core's `isNonRetryable`), and not an HTTP status in
   * 400–499 other than 408, 425 and 429
   */
  readonly isRetryable?: ((error: unknown) => boolean) | undefined;
  /**
   * Whether a job whose earlier delivery sent an unkeyed unsafe write (see
   * `ctx.unkeyedWrite()`) may run again after a crash.
   * @default () => false
   */
  readonly resendUnkeyed?: ((job: Job) => boolean) | undefined;
  /** The pause after a 429 without a usable Retry-After. A number >= 0. @default 1_000 */
  readonly defaultPauseMs?: number | undefined;
  /** The longest pause a 429 or an open breaker can impose on the queue. A number > 0. @default 300_000 */
  readonly maxPauseMs?: number | undefined;
  /**
   * On `close()`, how long active jobs may take to finish before their `ctx.signal` is aborted
   * (they then fail and are retried later, or by another process). A number >= 0.
   * @default 30_000
   */
  readonly closeTimeoutMs?: number | undefined;
  /** Passed to BullMQ's `Worker` (`lockDuration`, `stalledInterval`, `removeOnComplete`, ...). */
  readonly workerOptions?: Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun'> | undefined;
  /**
   * Also close gracefully on SIGTERM / SIGINT, then exit 0. Off by default: a library does not
   * own the process.
   * @default false
   */
  readonly handleSignals?: boolean | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /** Jitter for `backoff`. @default systemRandom */
  readonly random?: Random | undefined;
}

export interface ResolvedQueueWorkerOptions<W, D, R> {
  readonly queue: string;
  readonly connection: ConnectionOptions;
  readonly workers: number;
  readonly setup: (index: number, context: SetupContext) => W | Promise<W>;
  readonly teardown: ((worker: W, index: number) => unknown) | undefined;
  readonly handler: QueueJobHandler<W, D, R>;
  readonly limiter: SharedLimiter | undefined;
  readonly concurrency: number;
  readonly backoff: Backoff | undefined;
  readonly isRetryable: (error: unknown) => boolean;
  readonly resendUnkeyed: (job: Job) => boolean;
  readonly defaultPauseMs: number;
  readonly maxPauseMs: number;
  readonly closeTimeoutMs: number;
  readonly workerOptions: Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun'>;
  readonly handleSignals: boolean;
  readonly clock: Clock;
  readonly random: Random;
}

const KNOWN = [
  'queue',
  'connection',
  'workers',
  'setup',
  'teardown',
  'handler',
  'limiter',
  'concurrency',
  'backoff',
  'isRetryable',
  'resendUnkeyed',
  'defaultPauseMs',
  'maxPauseMs',
  'closeTimeoutMs',
  'workerOptions',
  'handleSignals',
  'clock',
  'random',
];

const check = optionChecker('createQueueWorker');
const never = () => false;

/** @throws ConfigError naming the option, the value and what is allowed. */
export function resolveQueueWorkerOptions<W, D, R>(
  options: QueueWorkerOptions<W, D, R>,
  defaultIsRetryable: (error: unknown) => boolean,
): ResolvedQueueWorkerOptions<W, D, R> {
  if (options === undefined) check.fail('options', options, 'an options object');
  const opts = check.options(options, KNOWN);
  if (typeof opts.queue !== 'string' || opts.queue.length === 0 || opts.queue.includes(':')) {
    check.fail('queue', opts.queue, 'a non-empty queue name without ":"');
  }
  if (typeof opts.connection !== 'object' || opts.connection === null) {
    check.fail('connection', opts.connection, "BullMQ's connection options or an ioredis instance");
  }
  const workers = check.integer('workers', opts.workers, { min: 1, max: 10_000 });
  const limiter = opts.limiter;
  if (limiter !== undefined && typeof (limiter as Partial<SharedLimiter> | null)?.acquire !== 'function') {
    check.fail('limiter', limiter, 'a limiter with acquire() (a redisTokenBucket)');
  }
  const workerOptions = opts.workerOptions ?? {};
  if (typeof workerOptions !== 'object' || workerOptions === null) {
    check.fail('workerOptions', workerOptions, "an object of BullMQ's WorkerOptions");
  }
  for (const owned of ['connection', 'concurrency', 'autorun'] as const) {
    if (owned in workerOptions)
      check.fail(
        `workerOptions.${owned}`,
        (workerOptions as Record<string, unknown>)[owned],
        `nothing: set "${owned === 'autorun' ? 'it' : owned}" on createQueueWorker`,
      );
  }
  return {
    queue: opts.queue as string,
    connection: opts.connection as ConnectionOptions,
    workers,
    setup: check.function('setup', opts.setup),
    teardown:
      opts.teardown === undefined
        ? undefined
        : check.function<(worker: W, index: number) => unknown>('teardown', opts.teardown),
    handler: check.function('handler', opts.handler),
    limiter: limiter as SharedLimiter | undefined,
    concurrency: check.integer('concurrency', opts.concurrency, { min: 1, max: workers }, workers),
    backoff: opts.backoff === undefined ? undefined : check.function<Backoff>('backoff', opts.backoff),
    isRetryable: check.function('isRetryable', opts.isRetryable, defaultIsRetryable),
    resendUnkeyed: check.function('resendUnkeyed', opts.resendUnkeyed, never),
    defaultPauseMs: check.duration('defaultPauseMs', opts.defaultPauseMs, {}, 1_000),
    maxPauseMs: check.duration('maxPauseMs', opts.maxPauseMs, { greaterThan: 0 }, 300_000),
    closeTimeoutMs: check.duration('closeTimeoutMs', opts.closeTimeoutMs, {}, 30_000),
    workerOptions: workerOptions as Omit<WorkerOptions, 'connection' | 'concurrency' | 'autorun'>,
    handleSignals: check.boolean('handleSignals', opts.handleSignals, false),
    clock: check.clock('clock', opts.clock),
    random: check.random('random', opts.random),
  };
}
