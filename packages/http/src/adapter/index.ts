/**
 * `@sentinel/http/adapter`: what every Sentinel HTTP adapter shares — the adapter options and
 * their pipeline, the request-safety rules (what may be sent again, `Retry-After`, which failures
 * must not be retried) and the two errors they raise. `@sentinel/fetch` and `@sentinel/axios` are
 * built on it, side by side, so neither has to install the other; build your own adapter on it
 * the same way. Unlike the root entry it depends on `@sentinel/core` (policies, errors, clocks).
 */
export {
  isRequestNotReplayableError,
  isRetryableStatusError,
  RequestNotReplayableError,
  RetryableStatusError,
} from './errors.ts';
export { type AdapterOptions, type ResolvedOptions, resolveAdapterOptions } from './options.ts';
export { RequestSafety, type RequestSafetyOptions } from './request-safety.ts';
