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
export type { SentinelFetchOptions, SentinelRequestInit, SentinelRequestOverrides } from './options.ts';
export {
  type FetchInput,
  type FetchLike,
  type SentinelFetch,
  type SentinelFetchFactoryOptions,
  sentinelFetch,
  withSentinel,
} from './with-sentinel.ts';
