/**
 * `@sentinel/fetch`: Sentinel policies around any fetch — browsers, Deno, Bun, edge runtimes and
 * Node (the global fetch or undici's) — with fetch's exact signature and safe retries.
 */
export {
  isRequestNotReplayableError,
  isRetryableStatusError,
  RequestNotReplayableError,
  RetryableStatusError,
} from './errors.ts';
export {
  type AdapterOptions,
  type ResolvedOptions,
  resolveAdapterOptions,
  type SentinelFetchOptions,
  type SentinelRequestInit,
  type SentinelRequestOverrides,
} from './options.ts';
export { RequestSafety, type RequestSafetyOptions } from './request-safety.ts';
export {
  type FetchInput,
  type FetchLike,
  type SentinelFetch,
  type SentinelFetchFactoryOptions,
  sentinelFetch,
  withSentinel,
} from './with-sentinel.ts';
