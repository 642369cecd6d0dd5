import type { AdapterOptions } from '@sentinel/http/adapter';

/** What fetch accepts as its first argument (DOM's `RequestInfo | URL`). */
export type FetchInput = string | URL | Request;

/** Any function with fetch's signature. */
export type FetchLike = (input: FetchInput, init?: RequestInit) => Promise<Response>;

/** Options of {@link withSentinel} and {@link sentinelFetch}. */
export type SentinelFetchOptions = AdapterOptions;

/** What a call passes as `init.sentinel`: `false` bypasses every policy for this request. */
export type SentinelRequestOverrides =
  | false
  | {
      /** Treat this request as safe to send more than once (it is idempotent on the server). */
      readonly idempotent?: boolean | undefined;
    };

/** `RequestInit` plus the per-request `sentinel` overrides. */
export interface SentinelRequestInit extends RequestInit {
  readonly sentinel?: SentinelRequestOverrides | undefined;
}
