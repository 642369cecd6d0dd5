import type { Clock, Policy, WallClock } from '@sentinel/core';
import type { HeadersInit } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import type { Query, RequestBody } from '../request/prepare.ts';

/** Phase timeouts in milliseconds. Each must be > 0; `Infinity` is not allowed (finite by design). */
export interface Timeouts {
  /**
   * Opening the TCP/TLS connection. Client-wide only (it configures the default dispatcher).
   * @default 10_000
   */
  readonly connectMs?: number;
  /**
   * From sending the request to receiving the response headers, per attempt.
   * @default 30_000
   */
  readonly headersMs?: number;
  /**
   * Longest silence between two body chunks.
   * @default 30_000
   */
  readonly bodyIdleMs?: number;
  /**
   * The whole logical request: every attempt, every backoff, every redirect and the buffered
   * body. Each attempt's headers timeout shrinks to the time that is left.
   * @default 60_000
   */
  readonly totalMs?: number;
}

/** A breaker for each origin: a factory, or a group object with `get(origin)` (e.g. `breakerGroup`). */
export type BreakerSource =
  | Policy
  | ((origin: string) => Policy)
  | { get(origin: string): Policy }
  | { for(origin: string): Policy };

/** Options of `createClient`. */
/**
 * The policy options the client and {@link sentinelInterceptor} share: the layers (composed as
 * retry → breaker → rate limit → `policies` → per-attempt timeout) and the HTTP hints they get.
 */
export interface PolicyOptions {
  /** Outermost policy: a retry (any `Policy`). */
  readonly retry?: Policy;
  /** A circuit breaker: one policy for all origins, a factory per origin, or a group. */
  readonly breaker?: BreakerSource;
  /**
   * Most per-origin breakers kept (least recently created are dropped) when `breaker` is a factory.
   * @default 256
   */
  readonly maxBreakers?: number;
  /** A rate limiter policy; `penalize(ms)` / `pauseUntil(t)` are called on Retry-After and RateLimit headers when present. */
  readonly rateLimit?: Policy;
  /** More policies, run inside the limiter, around each attempt (first outermost). */
  readonly policies?: readonly Policy[];
  /**
   * Longest Retry-After the client will wait for; a longer one ends the request at once with the
   * `HttpError` (marked non-retryable) instead of a day's sleep.
   * @default 60_000
   */
  readonly maxRetryAfterMs?: number;
  /**
   * The idempotency key header.
   * @default 'idempotency-key'
   */
  readonly idempotencyKeyHeader?: string;
  /**
   * Calendar time, for Retry-After dates and epoch rate-limit resets.
   * @default systemWallClock
   */
  readonly wallClock?: WallClock;
}

/** The names of {@link PolicyOptions}, for option validation. */
export const POLICY_OPTION_KEYS: readonly (keyof PolicyOptions)[] = Object.freeze([
  'retry',
  'breaker',
  'maxBreakers',
  'rateLimit',
  'policies',
  'maxRetryAfterMs',
  'idempotencyKeyHeader',
  'wallClock',
]);

export interface ClientOptions extends PolicyOptions {
  /** Base URL for relative paths; paths never leave its origin unless `allowAbsoluteUrls`. */
  readonly baseUrl?: string | URL;
  /**
   * Accept absolute and protocol-relative URLs (any origin) even with a `baseUrl`.
   * @default false
   */
  readonly allowAbsoluteUrls?: boolean;
  /** Headers sent with every request (any shape); per-request headers replace them by name. */
  readonly headers?: HeadersInit;
  /**
   * The undici dispatcher to use (the client does not close one it did not create). By default
   * the client creates an `Agent` (a pool per origin) with `connections` and `pipelining`, with
   * undici's DNS-caching interceptor.
   */
  readonly dispatcher?: Dispatcher;
  /**
   * Connections per origin of the default dispatcher.
   * @default 10
   */
  readonly connections?: number;
  /**
   * HTTP/1.1 pipelining depth of the default dispatcher.
   * @default 1
   */
  readonly pipelining?: number;
  /**
   * Cache DNS results in the default dispatcher (undici's `interceptors.dns`).
   * @default true
   */
  readonly dnsCache?: boolean;
  /** Phase timeouts; see {@link Timeouts}. */
  readonly timeouts?: Timeouts;
  /**
   * Largest buffered body, counted after decompression.
   * @default 10_485_760 (10 MiB)
   */
  readonly maxResponseBytes?: number;
  /**
   * Redirects followed per request (0 disables following: 3xx responses are returned).
   * @default 10
   */
  readonly maxRedirects?: number;
  /**
   * Follow https → http redirects.
   * @default false
   */
  readonly allowHttpsToHttp?: boolean;
  /** More header names to drop on cross-origin redirects (with authorization, cookie, proxy-authorization). */
  readonly sensitiveHeaders?: readonly string[];
  /**
   * Throw an `HttpError` for statuses >= 400.
   * @default true
   */
  readonly throwOnHttpError?: boolean;
  /**
   * Add an idempotency key to every POST and PATCH (one key per logical request, the same on
   * every attempt), which makes them retryable.
   * @default false
   */
  readonly idempotencyKey?: boolean;
  /**
   * A hedge (`hedge()` from `@sentinel/backoff`, or any `Policy` that runs attempts in parallel)
   * for every request that may be repeated — an idempotent method, or an idempotency key — placed
   * retry → **hedge** → breaker → rate limit → `policies` → timeout. Other requests are never
   * hedged. Losing attempts are aborted: their requests and bodies are destroyed.
   * @default undefined (no hedging)
   */
  readonly hedge?: Policy;
  /**
   * Monotonic time for timings and the total deadline.
   * @default systemClock
   */
  readonly clock?: Clock;
  /**
   * Record every request's decision trace (`response.trace`, or the `trace` of the error it
   * ends with; see `formatTrace`). Off, a request records nothing and pays nothing.
   * @default false
   */
  readonly trace?: boolean;
}

/** Per-request options. */
export interface RequestOptions {
  readonly headers?: HeadersInit;
  /** Appended to the URL's own query: an object (arrays repeat the key) or `URLSearchParams`. */
  readonly query?: Query | URLSearchParams;
  readonly body?: RequestBody;
  /** A JSON body (sets content-type); exclusive with `body`. */
  readonly json?: unknown;
  readonly signal?: AbortSignal;
  /**
   * `false`: do not hedge this request; a policy: hedge it with that one instead of the client's
   * `hedge`. Only for a request that may be repeated (else an `InvalidRequestError`, nothing sent).
   * @default the client's `hedge`
   */
  readonly hedge?: Policy | false;
  /** Override the client's timeouts (connectMs excepted). */
  readonly timeouts?: Omit<Timeouts, 'connectMs'>;
  /** Return a streaming body instead of a buffered one. */
  readonly stream?: boolean;
  readonly throwOnHttpError?: boolean;
  readonly maxResponseBytes?: number;
  readonly maxRedirects?: number;
  /** `true`: generate a key for this request; a string: use it. Sent on every attempt. */
  readonly idempotencyKey?: boolean | string;
  /**
   * Record this request's decision trace (overrides the client's `trace`).
   * @default the client's `trace` (false)
   */
  readonly trace?: boolean;
}
