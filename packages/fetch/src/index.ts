/**
 * `@sentinel/fetch`: Sentinel policies around any fetch — browsers, Deno, Bun, edge runtimes and
 * Node (the global fetch or undici's) — with fetch's exact signature and safe retries.
 */
export {
  isRequestNotReplayableError,
  isRetryableStatusError,
  RequestNotReplayableError,
  RetryableStatusError,
} from '@sentinel/http/adapter';
export {
  type AdapterOptions,
  RequestSafety,
  type RequestSafetyOptions,
  type ResolvedOptions,
  resolveAdapterOptions,
} from './deprecated.ts';
export type {
  FetchInput,
  FetchLike,
  SentinelFetchOptions,
  SentinelRequestInit,
  SentinelRequestOverrides,
} from './options.ts';
export { type SentinelFetch, type SentinelFetchFactoryOptions, sentinelFetch, withSentinel } from './with-sentinel.ts';
