import {
  contextFor,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  isSentinelError,
  type Listener,
  type Operation,
  optionChecker,
  type Policy,
  runOperation,
} from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import type { Limiter } from '../limiter.ts';
import type { RateLimitRejectedEvent } from './events.ts';

/** Options of {@link rateLimit}. */
export interface RateLimitOptions {
  /** Any limiter: `tokenBucket`, `slidingWindow`, `concurrency`, `sharedTokenBucket`, `redisTokenBucket`, yours. */
  readonly limiter: Limiter;
  /**
   * `'wait'`: a call waits for its permit (FIFO, abortable through the call's signal).
   * `'reject'`: a call without a permit right now fails at once with a `RateLimitedError`.
   * @default 'wait'
   */
  readonly mode?: 'wait' | 'reject' | undefined;
  /**
   * In `'wait'` mode, the longest a call may wait; beyond it the call is rejected with a
   * `RateLimitedError` (`reason: 'max-wait'`). A number >= 0 (or Infinity).
   * @default Infinity
   */
  readonly maxWaitMs?: number | undefined;
  /**
   * Permits each call takes (e.g. weight a bulk endpoint). An integer >= 1.
   * @default 1
   */
  readonly cost?: number | undefined;
}

/** The policy made by {@link rateLimit}. */
export interface RateLimitPolicy extends Policy {
  readonly limiter: Limiter;
  readonly mode: 'wait' | 'reject';
  /** Called when a call is refused (`reject` mode without a permit, queue full, `maxWaitMs` exceeded). */
  onRejected(listener: Listener<RateLimitRejectedEvent>): Disposer;
}

const check = optionChecker('rateLimit');

/**
 * Turns any limiter into a `Policy`, so it composes with retries, breakers and timeouts:
 * `compose(retry(...), rateLimit({ limiter }), timeout(...))`. A call runs once it holds its
 * permit(s); limiters with `release` (a bulkhead) get them back when the call settles.
 *
 * When a permit is free, nothing is allocated beyond the call itself and the call's signal is
 * not read; it is read only when the call has to wait, so a wait is abortable by the caller.
 *
 * @throws ConfigError for a bad option.
 */
export function rateLimit(options: RateLimitOptions): RateLimitPolicy {
  const opts = check.options(options, ['limiter', 'mode', 'maxWaitMs', 'cost']);
  const limiter = opts.limiter as Limiter;
  if (
    typeof limiter !== 'object' ||
    limiter === null ||
    typeof limiter.tryAcquire !== 'function' ||
    typeof limiter.acquire !== 'function'
  ) {
    check.fail('limiter', limiter, 'a limiter (an object with tryAcquire(n) and acquire(n, options))');
  }
  const mode = check.oneOf('mode', opts.mode, ['wait', 'reject'] as const, 'wait');
  const maxWaitMs = check.number(
    'maxWaitMs',
    opts.maxWaitMs,
    { min: 0, allowInfinity: true },
    Number.POSITIVE_INFINITY,
  );
  const cost = check.number('cost', opts.cost, { integer: true, min: 1 }, 1);
  const rejected = new Emitter<RateLimitRejectedEvent>();
  const waitOptions = Number.isFinite(maxWaitMs) ? maxWaitMs : undefined;
  const canRelease = typeof limiter.release === 'function';

  const run = <T>(fn: Operation<T>, executeOptions: ExecuteOptions | undefined): Promise<T> => {
    const result = runOperation(fn, contextFor(executeOptions));
    if (!canRelease) return result;
    return result.then(
      (value) => {
        limiter.release?.(cost);
        return value;
      },
      (error: unknown) => {
        limiter.release?.(cost);
        throw error;
      },
    );
  };

  const notify = (error: unknown): void => {
    if (rejected.hasListeners && isSentinelError(error) && error.code === 'SENTINEL_RATE_LIMITED') {
      const limited = error as RateLimitedError;
      rejected.emit({ reason: limited.reason, retryAfterMs: limited.retryAfterMs });
    }
  };

  const refuse = (error: unknown): never => {
    notify(error);
    throw error;
  };

  const empty = (): RateLimitedError => {
    const error = new RateLimitedError('rateLimit: no permit available', {
      reason: 'empty',
      retryAfterMs: limiter.estimateWaitMs?.(cost),
    });
    notify(error);
    return error;
  };

  const waitThenRun = <T>(fn: Operation<T>, executeOptions: ExecuteOptions | undefined): Promise<T> =>
    limiter
      .acquire(cost, { signal: executeOptions?.signal, maxWaitMs: waitOptions })
      .then(() => run(fn, executeOptions), refuse);

  // A remote limiter in wait mode: acquire checks and reserves in one round trip.
  const direct = mode === 'wait' && limiter.remote === true;

  return Object.freeze({
    limiter,
    mode,
    onRejected: rejected.subscribe,
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      if (direct) return waitThenRun(fn, executeOptions);
      let granted: boolean | PromiseLike<boolean>;
      try {
        granted = limiter.tryAcquire(cost);
      } catch (error) {
        return Promise.reject(error);
      }
      if (granted === true) return run(fn, executeOptions);
      if (granted === false) {
        if (mode === 'reject') return Promise.reject(empty());
        return waitThenRun(fn, executeOptions);
      }
      // An asynchronous answer (a limiter whose tryAcquire returns a promise).
      return Promise.resolve(granted).then((ok) => {
        if (ok) return run(fn, executeOptions);
        if (mode === 'wait') return waitThenRun(fn, executeOptions);
        throw empty();
      });
    },
  });
}
