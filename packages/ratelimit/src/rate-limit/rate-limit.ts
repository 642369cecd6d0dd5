import {
  type Clock,
  contextFor,
  type DecisionListener,
  type Disposer,
  Emitter,
  type ExecuteOptions,
  isAborted,
  isSentinelError,
  type Listener,
  type Operation,
  optionChecker,
  type Policy,
  reportDecision,
  runOperation,
} from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import type { Limiter } from '../limiter.ts';
import type {
  RateLimitRejectDecision,
  RateLimitRejectedEvent,
  RateLimitWaitDecision,
  RateLimitWaitEvent,
} from './events.ts';

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
  /**
   * Where wait times (`onWait`, a call's `onDecision`) are read. Read only while someone listens
   * and a call has to wait.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** The policy made by {@link rateLimit}. */
export interface RateLimitPolicy extends Policy {
  readonly limiter: Limiter;
  readonly mode: 'wait' | 'reject';
  /** Called when a call is refused (`reject` mode without a permit, queue full, `maxWaitMs` exceeded). */
  onRejected(listener: Listener<RateLimitRejectedEvent>): Disposer;
  /**
   * Called when a call that had to wait got its permit, with how long it waited. Calls granted
   * at once are not reported. With a remote limiter in `'wait'` mode every call asks the store,
   * so every call is reported and `waitedMs` includes the round trip.
   */
  onWait(listener: Listener<RateLimitWaitEvent>): Disposer;
}

const check = optionChecker('rateLimit');

/**
 * Turns any limiter into a `Policy`, so it composes with retries, breakers and timeouts:
 * `compose(retry(...), rateLimit({ limiter }), timeout(...))`. A call runs once it holds its
 * permit(s); limiters with `release` (a bulkhead) get them back when the call settles.
 *
 * When a permit is free, nothing is allocated beyond the call itself and the call's signal is
 * not materialised; it is read only when the call has to wait, so a wait is abortable by the
 * caller. A signal already aborted when `execute` is called rejects with its reason at once: no
 * permit is taken and `fn` is not called.
 *
 * @throws ConfigError for a bad option.
 */
export function rateLimit(options: RateLimitOptions): RateLimitPolicy {
  const opts = check.options(options, ['limiter', 'mode', 'maxWaitMs', 'cost', 'clock']);
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
  const clock = check.clock('clock', opts.clock);
  const rejected = new Emitter<RateLimitRejectedEvent>();
  const waited = new Emitter<RateLimitWaitEvent>();
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

  const notify = (error: unknown, onDecision: DecisionListener | undefined): void => {
    if ((!rejected.hasListeners && onDecision === undefined) || !isSentinelError(error)) return;
    if (error.code !== 'SENTINEL_RATE_LIMITED') return;
    const { reason, retryAfterMs } = error as RateLimitedError;
    if (rejected.hasListeners) rejected.emit({ reason, retryAfterMs });
    if (onDecision !== undefined) {
      const decision: RateLimitRejectDecision =
        retryAfterMs === undefined
          ? { layer: 'rate-limit', decision: 'reject', reason }
          : { layer: 'rate-limit', decision: 'reject', reason, retryAfterMs };
      reportDecision(onDecision, decision);
    }
  };

  const empty = (onDecision: DecisionListener | undefined): RateLimitedError => {
    const error = new RateLimitedError('rateLimit: no permit available', {
      reason: 'empty',
      retryAfterMs: limiter.estimateWaitMs?.(cost),
    });
    notify(error, onDecision);
    return error;
  };

  const waitThenRun = <T>(fn: Operation<T>, executeOptions: ExecuteOptions | undefined): Promise<T> => {
    const onDecision = executeOptions?.onDecision;
    const refuse = (error: unknown): never => {
      notify(error, onDecision);
      throw error;
    };
    const acquired = limiter.acquire(cost, { signal: executeOptions?.signal, maxWaitMs: waitOptions });
    // The clock is read only when someone wants to know how long the wait was.
    if (!waited.hasListeners && onDecision === undefined) return acquired.then(() => run(fn, executeOptions), refuse);
    const startedAt = clock.now();
    return acquired.then(() => {
      const waitedMs = clock.now() - startedAt;
      if (waited.hasListeners) waited.emit({ waitedMs, cost });
      if (onDecision !== undefined) {
        reportDecision<RateLimitWaitDecision>(onDecision, { layer: 'rate-limit', decision: 'wait', waitedMs });
      }
      return run(fn, executeOptions);
    }, refuse);
  };

  // A remote limiter in wait mode: acquire checks and reserves in one round trip.
  const direct = mode === 'wait' && limiter.remote === true;

  return Object.freeze({
    limiter,
    mode,
    onRejected: rejected.subscribe,
    onWait: waited.subscribe,
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      // Before any permit is taken: an aborted call spends nothing and runs nothing.
      if (isAborted(executeOptions)) return Promise.reject(executeOptions.signal.reason);
      if (direct) return waitThenRun(fn, executeOptions);
      let granted: boolean | PromiseLike<boolean>;
      try {
        granted = limiter.tryAcquire(cost);
      } catch (error) {
        return Promise.reject(error);
      }
      if (granted === true) return run(fn, executeOptions);
      if (granted === false) {
        if (mode === 'reject') return Promise.reject(empty(executeOptions?.onDecision));
        return waitThenRun(fn, executeOptions);
      }
      // An asynchronous answer (a limiter whose tryAcquire returns a promise).
      return Promise.resolve(granted).then((ok) => {
        if (ok) return run(fn, executeOptions);
        if (mode === 'wait') return waitThenRun(fn, executeOptions);
        throw empty(executeOptions?.onDecision);
      });
    },
  });
}
