/**
 * `@sentinel/http`: runtime-neutral HTTP semantics shared by the Sentinel client and adapters —
 * which methods are idempotent, which statuses and network errors are worth retrying, strict
 * `Retry-After` and `RateLimit` parsing, which headers are credentials, and how redirects are
 * followed safely. No imports, no Node APIs: pure functions. (What adapters share, which builds on
 * `@sentinel/core`, is the `@sentinel/http/adapter` sub-path.)
 */
export {
  CREDENTIAL_HEADERS,
  isCredentialHeader,
  stripCredentials,
  withoutHeaders,
} from './headers/credentials.ts';
export {
  forEachHeader,
  getHeader,
  type HeadersInit,
  type HeadersLike,
  type HeaderValue,
  hasForbiddenChars,
  headerEntries,
  isValidHeaderName,
  isValidHeaderValue,
} from './headers/headers.ts';
export { IDEMPOTENT_METHODS, isIdempotentMethod, isSafeMethod, isValidMethod } from './methods/methods.ts';
export { parseRateLimit, type RateLimitInfo } from './rate-limit/rate-limit.ts';
export {
  isSameOrigin,
  type RedirectDecision,
  type RedirectInput,
  type RedirectRefusal,
  resolveRedirect,
} from './redirect/redirect.ts';
export { parseHttpDate } from './retry-after/http-date.ts';
export { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from './retry-after/retry-after.ts';
export {
  errorCodeOf,
  isFailureBeforeSend,
  isRedirectStatus,
  isRetryableErrorCode,
  isRetryableStatus,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUSES,
} from './status/status.ts';
