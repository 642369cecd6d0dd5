import { isNonRetryable, isRejectedError, retryAfterOf } from '@sentinel/core';

/** The status of an HTTP error from `@sentinel/client` (`status`) or another library (`statusCode`). */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

/**
 * How long a failure asks the whole queue to wait, or `undefined` when it does not: a 429 (its
 * Retry-After, or `defaultPauseMs`), or an open circuit breaker (its `retryAfterMs`).
 */
export function pauseOf(error: unknown, defaultPauseMs: number, maxPauseMs: number): number | undefined {
  let ms: number | undefined;
  if (statusOf(error) === 429) ms = retryAfterOf(error) ?? defaultPauseMs;
  // A breaker's refusal, from any installed copy of @sentinel/breaker (a core RejectedError with its code).
  else if (isRejectedError(error) && error.code === 'SENTINEL_CIRCUIT_OPEN') ms = retryAfterOf(error) ?? defaultPauseMs;
  // Whole milliseconds: BullMQ sets its rate-limit key with PX, which takes an integer.
  return ms === undefined ? undefined : Math.min(Math.max(Math.ceil(ms), 1), Math.ceil(maxPauseMs));
}

/**
 * The default `isRetryable`: anything but an error marked non-retryable (core's
 * `markNonRetryable`: bad arguments, a resend refused) and a 4xx that retrying cannot fix
 * (all but 408 Request Timeout, 425 Too Early and 429 Too Many Requests).
 */
export function defaultIsRetryable(error: unknown): boolean {
  if (isNonRetryable(error)) return false;
  const status = statusOf(error);
  return !(status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429);
}
