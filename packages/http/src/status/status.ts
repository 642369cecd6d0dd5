/*
 * Which failures are worth another try. Statuses: the ones RFC 9110 and RFC 6585 describe as
 * temporary. Error codes: Node's socket errors and undici's, split by whether the request can
 * have reached the server — a connection that was never made is safe to retry for any method.
 */

const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Statuses that signal a temporary condition: 408, 425, 429, 500, 502, 503, 504. */
export const RETRYABLE_STATUSES: readonly number[] = Object.freeze([...RETRYABLE_STATUS]);

/** Whether a response with `status` may succeed if the request is sent again later. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** Whether `status` is a redirect the client follows: 301, 302, 303, 307, 308. */
export function isRedirectStatus(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

// The connection was never established (or the name never resolved): not a byte was written.
const BEFORE_SEND: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

// The connection existed; the request may have been written and even processed.
const AFTER_SEND: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** Network error codes that are worth retrying (Node socket errors and undici's `UND_ERR_*`). */
export const RETRYABLE_ERROR_CODES: readonly string[] = Object.freeze([...BEFORE_SEND, ...AFTER_SEND]);

/** Whether a network error with `code` is transient and worth retrying (for a request that may be repeated). */
export function isRetryableErrorCode(code: string | undefined): boolean {
  return code !== undefined && (BEFORE_SEND.has(code) || AFTER_SEND.has(code));
}

/**
 * Whether a failure with `code` happened before any byte of the request could reach the server
 * (connection refused, DNS failure, connect timeout). Such a request is safe to send again
 * whatever its method. Unknown codes answer `false`: assume the server may have seen it.
 */
export function isFailureBeforeSend(code: string | undefined): boolean {
  return code !== undefined && BEFORE_SEND.has(code);
}

/**
 * The error code of `error` or of the first error in its `cause` chain that has one (undici wraps
 * socket errors), or `undefined`. Follows at most 8 causes, so a cycle cannot loop.
 */
export function errorCodeOf(error: unknown): string | undefined {
  let current = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== '') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
