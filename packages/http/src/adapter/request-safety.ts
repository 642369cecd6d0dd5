import { markNonRetryable, type WallClock } from '@sentinel/core';
import {
  errorCodeOf,
  isFailureBeforeSend,
  isIdempotentMethod,
  isRetryableStatus,
  parseRetryAfter,
} from '@sentinel/http';
import { RequestNotReplayableError, RetryableStatusError } from './errors.ts';

/** What {@link RequestSafety} needs to know about one logical request. */
export interface RequestSafetyOptions {
  /** The HTTP method, any case. */
  readonly method: string;
  /** Whether the request carries an idempotency key. */
  readonly hasIdempotencyKey: boolean;
  /** Whether its body can be sent again (not a stream that is consumed by sending it). */
  readonly replayableBody: boolean;
  /** The caller declared it safe to repeat (an option or a per-request override). */
  readonly declaredIdempotent: boolean;
  /** Calendar time for Retry-After dates. */
  readonly wallClock: WallClock;
  /** Told the server's Retry-After on a 429 or 503, to slow every caller sharing a limiter. */
  readonly penalize?: ((ms: number) => void) | undefined;
}

/**
 * The rules that keep retries of one logical HTTP request safe, for adapters that put Sentinel
 * policies in front of an HTTP library (`@sentinel/fetch`, `@sentinel/axios`, your own), one
 * instance per logical request:
 *
 * - a request may be sent again after it may have reached the server only when its method is
 *   idempotent, it carries an idempotency key, or the caller declared it safe; a failure before
 *   any byte was sent (connection refused, DNS) is always safe to retry;
 * - a body that cannot be replayed (a stream) is sent once;
 * - a retryable status (408, 425, 429, 5xx) becomes a {@link RetryableStatusError} carrying the
 *   server's Retry-After, so any retry or breaker with default predicates sees a failure;
 * - failures that must not be retried are marked with core's `markNonRetryable`, and an attempt
 *   after such a failure is refused outright, even by a retry policy that ignores the mark.
 */
export class RequestSafety {
  readonly #options: RequestSafetyOptions;
  readonly #repeatable: boolean;
  #reachedServer = false;

  constructor(options: RequestSafetyOptions) {
    this.#options = options;
    this.#repeatable =
      options.replayableBody &&
      (isIdempotentMethod(options.method) || options.hasIdempotencyKey || options.declaredIdempotent);
  }

  /** Call before every attempt; throws a marked {@link RequestNotReplayableError} when it must not be sent. */
  beforeAttempt(attempt: number): void {
    if (attempt <= 1) return;
    if (!this.#options.replayableBody) {
      throw markNonRetryable(new RequestNotReplayableError('its body is a stream that was already sent'));
    }
    if (this.#reachedServer && !this.#repeatable) {
      throw markNonRetryable(
        new RequestNotReplayableError('it is not idempotent, has no idempotency key, and may have reached the server'),
      );
    }
  }

  /**
   * Call with a transport error (not with an abort of the attempt's own signal). Marks it
   * non-retryable when the request may have reached the server and must not be repeated; returns it.
   */
  onError<E>(error: E): E {
    if (!isFailureBeforeSend(errorCodeOf(error))) this.#reachedServer = true;
    if (this.#reachedServer && !this.#repeatable && typeof error === 'object' && error !== null)
      markNonRetryable(error);
    return error;
  }

  /**
   * Call with every response. Returns `undefined` for a status to hand back as it is, or the
   * {@link RetryableStatusError} to throw for a "try again later" status.
   */
  onResponse<R>(
    response: R,
    status: number,
    retryAfterHeader: string | null | undefined,
    url?: string,
  ): RetryableStatusError<R> | undefined {
    this.#reachedServer = true;
    if (!isRetryableStatus(status)) return undefined;
    const retryAfterMs = parseRetryAfter(retryAfterHeader, this.#options.wallClock());
    if (retryAfterMs !== undefined && (status === 429 || status === 503)) this.#options.penalize?.(retryAfterMs);
    const failure = new RetryableStatusError(response, status, retryAfterMs, url);
    return this.#repeatable ? failure : markNonRetryable(failure);
  }
}
