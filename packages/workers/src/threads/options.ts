import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Clock, optionChecker } from '@sentinel/core';

/** Options of {@link createThreadPool}. */
export interface ThreadPoolOptions {
  /**
   * The module every thread loads: an absolute path, a `file:` URL string, or a `URL` (for example
   * `new URL('./handlers.js', import.meta.url)`). It exports `setup(index, data)`, which builds the
   * thread's state once (its own client, limiter, ...), and named handlers
   * `async name(payload, state, ctx)`.
   */
  readonly module: string | URL;
  /**
   * How many threads. An integer >= 1. A crashed thread is replaced, so the pool keeps this many.
   * @default os.availableParallelism()
   */
  readonly threads?: number | undefined;
  /**
   * Handed to every thread's `setup(index, data)`. Structured-cloned once per thread; a
   * `SharedArrayBuffer` inside (a `sharedTokenBucket`'s `buffer`) stays shared between threads.
   * @default undefined
   */
  readonly data?: unknown;
  /**
   * How many tasks may wait for a free thread; more are refused at once with a `QueueFullError`.
   * An integer >= 0, or Infinity.
   * @default Infinity
   */
  readonly maxQueue?: number | undefined;
  /**
   * How an idle thread waits for its next task (piscina's `atomics`). `'async'` keeps the thread's
   * event loop running between tasks, so timers and sockets of the thread's client (keep-alive,
   * idle timeouts) keep working; `'sync'` blocks the idle thread in `Atomics.wait`, which saves a
   * little latency per task but freezes every timer and socket in it until the next task.
   * @default 'async'
   */
  readonly atomics?: 'async' | 'sync' | 'disabled' | undefined;
  /**
   * Where the pool reads time for `stats().waitMs` (run times are measured in the threads).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

export interface ResolvedThreadPoolOptions {
  readonly module: string;
  readonly threads: number;
  readonly data: unknown;
  readonly maxQueue: number;
  readonly atomics: 'async' | 'sync' | 'disabled';
  readonly clock: Clock;
}

export const OWNER = 'createThreadPool';
const check = optionChecker(OWNER);
const KNOWN = ['module', 'threads', 'data', 'maxQueue', 'atomics', 'clock'];

export function resolveThreadPoolOptions(options: ThreadPoolOptions): ResolvedThreadPoolOptions {
  const opts = check.options(options, KNOWN);
  const threads = check.integer('threads', opts.threads, { min: 1 }, availableParallelism());
  const maxQueue = check.integer('maxQueue', opts.maxQueue, { min: 0, allowInfinity: true }, Number.POSITIVE_INFINITY);
  const atomics = check.oneOf('atomics', opts.atomics, ['async', 'sync', 'disabled'], 'async');
  const clock = check.clock('clock', opts.clock);
  const module = moduleUrl(opts.module);
  try {
    structuredClone(opts.data);
  } catch {
    check.fail(
      'data',
      opts.data,
      'a structured-cloneable value (no functions, class instances keep only their fields)',
    );
  }
  return { module, threads, data: opts.data, maxQueue, atomics, clock };
}

/** The module as a `file:` URL string, or a ConfigError naming the option and the value. */
function moduleUrl(value: unknown): string {
  const expected = 'an absolute path or a file: URL of an existing module';
  let url: URL | undefined;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string' && value.startsWith('file:'))
    url = URL.canParse(value) ? new URL(value) : undefined;
  else if (typeof value === 'string' && isAbsolute(value)) url = pathToFileURL(value);
  if (url?.protocol !== 'file:' || !existsSync(url))
    return check.fail('module', value instanceof URL ? value.href : value, expected);
  return url.href;
}
