/*
 * Two conventions any error can follow, so that policies that know nothing about each other (or
 * about HTTP) still cooperate: an error can say that retrying cannot help, and it can say how long
 * to wait before trying again. A retry policy's defaults honour both; the HTTP client uses them to
 * keep a request that may have reached the server from being sent twice, and to pass a server's
 * Retry-After on.
 */

// A registry symbol, so the mark survives two installed copies of core.
const NON_RETRYABLE = Symbol.for('@sentinel/core:non-retryable');

/**
 * Marks `error` as one that retrying cannot help (a validation failure, a request that must not
 * be sent twice) and returns it, so `throw markNonRetryable(error)` reads naturally. Retry
 * policies never retry a marked error, whatever their attempt count. Primitives cannot carry the
 * mark; wrap them in an Error first.
 */
export function markNonRetryable<E extends object>(error: E): E {
  Object.defineProperty(error, NON_RETRYABLE, { value: true, configurable: true });
  return error;
}

/** Whether `error` was marked with {@link markNonRetryable} (by any installed copy of core). */
export function isNonRetryable(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { [NON_RETRYABLE]?: unknown })[NON_RETRYABLE] === true
  );
}

/**
 * The wait an error asks for before the next try: its `retryAfterMs` property when that is a
 * finite number >= 0 (a `RejectedError` from an open breaker or a full limiter, an HTTP error
 * carrying a server's Retry-After), otherwise `undefined`.
 */
export function retryAfterOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const value = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof value === 'number' && value >= 0 && Number.isFinite(value) ? value : undefined;
}
