import { isSentinelError, RejectedError, type SentinelErrorOptions } from '@sentinel/core';

/** Why a limiter refused: see {@link RateLimitedError.reason}. */
export type RateLimitedReason = 'empty' | 'queue-full' | 'max-wait' | 'store-unavailable';

/** Options of {@link RateLimitedError}. */
export interface RateLimitedErrorOptions extends SentinelErrorOptions {
  /** Why the limiter refused. */
  readonly reason: RateLimitedReason;
  /** Milliseconds until the limiter expects to grant again, when it knows. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * A limiter refused the call: no token now (`reason: 'empty'`, from `rateLimit({ mode: 'reject' })`),
 * its queue is full (`'queue-full'`), the wait would exceed `maxWaitMs` (`'max-wait'`), or the
 * Redis store is unreachable under `onStoreError: 'fail-closed'` (`'store-unavailable'`). The call
 * was never started. `retryAfterMs` says when trying again makes sense, so a retry policy can wait
 * exactly that long (`retryAfterOf(error)` in `@sentinel/core`).
 */
export class RateLimitedError extends RejectedError<'SENTINEL_RATE_LIMITED'> {
  /** Why the limiter refused. */
  readonly reason: RateLimitedReason;

  constructor(message: string, options: RateLimitedErrorOptions) {
    super('SENTINEL_RATE_LIMITED', message, options);
    this.reason = options.reason;
  }
}
// The name lives on the prototype, like core's errors: instances stay small, minifiers cannot rename it.
Object.defineProperty(RateLimitedError.prototype, 'name', {
  value: 'RateLimitedError',
  writable: true,
  configurable: true,
});

/** True for a {@link RateLimitedError} from any installed copy of this package. */
export function isRateLimitedError(error: unknown): error is RateLimitedError {
  return isSentinelError(error) && error.code === 'SENTINEL_RATE_LIMITED';
}
