/**
 * `@sentinel/axios`: Sentinel policies — retry, circuit breaker, rate limit, deadlines — for axios
 * instances, installed on the adapter so every retry re-runs the real request.
 */
export {
  isRequestNotReplayableError,
  isRetryableStatusError,
  RequestNotReplayableError,
  RetryableStatusError,
} from '@sentinel/http/adapter';
export type { SentinelAxiosOptions, SentinelRequestConfig } from './options.ts';
export { type SentinelAxiosHandle, withSentinel } from './with-sentinel.ts';
