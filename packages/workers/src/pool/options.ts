import { type Clock, optionChecker } from '@sentinel/core';
import { closeResources } from './teardown.ts';

/** What `setup` receives besides the worker's index. */
export interface SetupContext {
  /** Aborted when another worker's setup failed: the pool will not be built, stop early. */
  readonly signal: AbortSignal;
}

/** Options of {@link createWorkerPool}. */
export interface WorkerPoolOptions<W> {
  /** Number of workers: an integer >= 1. Each runs one task at a time. */
  readonly workers: number;
  /**
   * Builds worker `index`'s own state (typically `{ client: createClient({...}) }` with its own
   * retry, breaker and limiter). Called once per worker, all in parallel, when the pool is created.
   */
  readonly setup: (index: number, context: SetupContext) => W | Promise<W>;
  /**
   * Releases a worker's state when the pool closes.
   * @default closes `W` itself when it has `[Symbol.asyncDispose]`, `[Symbol.dispose]` or
   * `close()`; otherwise each own property of `W` that has one (one level deep).
   */
  readonly teardown?: ((worker: W, index: number) => unknown) | undefined;
  /**
   * Most tasks waiting for a free worker; one more is refused at once with `QueueFullError`:
   * an integer >= 0, or `Infinity`. `0` means "only when a worker is free".
   * @default Infinity
   */
  readonly maxQueue?: number | undefined;
  /**
   * Where wait and run times are read.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** The checked options. */
export interface ResolvedPoolOptions<W> {
  readonly workers: number;
  readonly setup: (index: number, context: SetupContext) => W | Promise<W>;
  readonly teardown: (worker: W, index: number) => unknown;
  readonly maxQueue: number;
  readonly clock: Clock;
}

const check = optionChecker('createWorkerPool');
const KNOWN = ['workers', 'setup', 'teardown', 'maxQueue', 'clock'];

/** @throws ConfigError naming the option, the value and what is allowed. */
export function resolvePoolOptions<W>(options: WorkerPoolOptions<W>): ResolvedPoolOptions<W> {
  if (options === undefined) check.fail('options', options, 'an options object with "workers" and "setup"');
  const opts = check.options(options, KNOWN);
  return {
    workers: check.integer('workers', opts.workers, { min: 1, max: 1_000_000 }),
    setup: check.function('setup', opts.setup),
    teardown: check.function('teardown', opts.teardown, closeResources),
    maxQueue: check.integer('maxQueue', opts.maxQueue, { min: 0, allowInfinity: true }, Number.POSITIVE_INFINITY),
    clock: check.clock('clock', opts.clock),
  };
}
