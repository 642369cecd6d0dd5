import { isSentinelError, RejectedError, SentinelError, type SentinelErrorOptions } from '@sentinel/core';

/**
 * Thrown inside the policy pipeline for a response whose status says "try again later" (408, 425,
 * 429, 500, 502, 503, 504), so that a retry retries it and a breaker counts it as a failure with
 * their default predicates. It never reaches your code from the Sentinel adapters: when the policies
 * give up, the last response is returned (`@sentinel/fetch` resolves with it, as `fetch` does;
 * `@sentinel/axios` applies `validateStatus` to it). Match it in custom predicates with
 * {@link isRetryableStatusError}.
 */
export class RetryableStatusError<R = Response> extends SentinelError<'SENTINEL_RETRYABLE_STATUS'> {
  /** The response's status. */
  readonly status: number;
  /** The wait the server asked for in `Retry-After`, in ms; read by retry policies. */
  readonly retryAfterMs: number | undefined;
  /** The response itself (a fetch `Response`, an axios response, ...), body unread where it streams. */
  readonly response: R;

  constructor(
    response: R,
    status: number,
    retryAfterMs: number | undefined,
    url?: string,
    options?: SentinelErrorOptions,
  ) {
    super('SENTINEL_RETRYABLE_STATUS', `HTTP ${status} from ${url || 'the server'}`, options);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.response = response;
  }
}
Object.defineProperty(RetryableStatusError.prototype, 'name', {
  value: 'RetryableStatusError',
  writable: true,
  configurable: true,
});

/**
 * The request cannot be sent again: its body was a stream that was already consumed, or it is a
 * non-idempotent request without an idempotency key whose previous attempt may have reached the
 * server. Raised only when a policy tries to run an attempt the adapter refuses to send; the
 * previous attempt's error is its `cause`.
 */
export class RequestNotReplayableError extends RejectedError<'SENTINEL_REQUEST_NOT_REPLAYABLE'> {
  constructor(reason: string, options?: SentinelErrorOptions) {
    super('SENTINEL_REQUEST_NOT_REPLAYABLE', `request not sent again: ${reason}`, options);
  }
}
Object.defineProperty(RequestNotReplayableError.prototype, 'name', {
  value: 'RequestNotReplayableError',
  writable: true,
  configurable: true,
});

/** True for a {@link RequestNotReplayableError} from any installed copy. */
export function isRequestNotReplayableError(error: unknown): error is RequestNotReplayableError {
  return isSentinelError(error) && error.code === 'SENTINEL_REQUEST_NOT_REPLAYABLE';
}

/** True for a {@link RetryableStatusError} from any installed copy. */
export function isRetryableStatusError(error: unknown): error is RetryableStatusError<unknown> {
  return isSentinelError(error) && error.code === 'SENTINEL_RETRYABLE_STATUS';
}
