import {
  AttemptScope,
  type Clock,
  contextFor,
  type ExecuteOptions,
  isNonRetryable,
  type Operation,
  type Policy,
  retryAfterOf,
  runOperation,
} from '@sentinel/core';

/*
 * Small hand-written policies for the client's tests: they follow core's conventions (abortable
 * waits, markNonRetryable, retryAfterOf) the way any retry or breaker may, so the tests prove the
 * client works with generic policies, not with one package's internals.
 */

/** Retries up to `maxAttempts`, waiting Retry-After (or `delayMs`) on `clock`; never retries marked errors. */
export function simpleRetry(options: {
  maxAttempts: number;
  delayMs?: number;
  clock: Clock;
}): Policy & { attempts: number[] } {
  const attempts: number[] = [];
  return {
    attempts,
    async execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      for (let attempt = 1; ; attempt++) {
        attempts.push(attempt);
        const scope = new AttemptScope(executeOptions, attempt);
        try {
          return await runOperation(fn, scope);
        } catch (error) {
          if (attempt >= options.maxAttempts || isNonRetryable(error) || executeOptions?.signal?.aborted) throw error;
          await options.clock.sleep(retryAfterOf(error) ?? options.delayMs ?? 0, executeOptions?.signal);
        } finally {
          scope.dispose();
        }
      }
    },
  };
}

/** Opens after `threshold` consecutive failures; an open breaker rejects at once. */
export function simpleBreaker(threshold: number): Policy & { failures: number; open: boolean; state: string } {
  const breaker = {
    failures: 0,
    open: false,
    get state() {
      return breaker.open ? 'open' : 'closed';
    },
    async execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      if (breaker.open) throw new Error('breaker open');
      try {
        const value = await runOperation(fn, contextFor(executeOptions));
        breaker.failures = 0;
        return value;
      } catch (error) {
        breaker.failures++;
        if (breaker.failures >= threshold) breaker.open = true;
        throw error;
      }
    },
  };
  return breaker;
}

/** A pass-through limiter that records penalties, like a token bucket's `penalize`. */
export function recordingLimiter(): Policy & { penalties: number[]; penalize(ms: number): void } {
  const penalties: number[] = [];
  return {
    penalties,
    penalize(ms: number) {
      penalties.push(ms);
    },
    execute<T>(fn: Operation<T>, executeOptions?: ExecuteOptions): Promise<T> {
      return runOperation(fn, contextFor(executeOptions));
    },
  };
}
