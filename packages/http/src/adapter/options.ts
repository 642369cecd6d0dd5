import { type Clock, optionChecker, type Policy, pipeline, systemWallClock, type WallClock } from '@sentinel/core';

/**
 * The options every Sentinel HTTP adapter takes (`@sentinel/fetch`, `@sentinel/axios`, your own):
 * the policy layers, composed as retry → breaker → rate limit → `policies` → per-attempt timeout,
 * and the request-safety settings. Every policy is optional.
 */
export interface AdapterOptions {
  /** Outermost: retries failed attempts (a `retry()` from `@sentinel/backoff`, or any policy). */
  readonly retry?: Policy | undefined;
  /** A circuit breaker; sees every attempt. */
  readonly breaker?: Policy | undefined;
  /** A rate limiter policy; admits every attempt. `Retry-After` on a 429/503 also pauses it when it offers `penalize(ms)`. */
  readonly rateLimit?: Policy | undefined;
  /** Per-attempt deadline in ms, or a timeout policy. */
  readonly timeout?: number | Policy | undefined;
  /** Further policies, run per attempt inside the limiter, in order. */
  readonly policies?: readonly Policy[] | undefined;
  /**
   * Retry non-idempotent requests (POST, PATCH, ...) even without an idempotency key, after they
   * may have reached the server. Only for endpoints you know are safe to repeat.
   * @default false
   */
  readonly retryNonIdempotent?: boolean | undefined;
  /**
   * The header whose presence makes a non-idempotent request safe to retry.
   * @default 'idempotency-key'
   */
  readonly idempotencyKeyHeader?: string | undefined;
  /** The clock for a `timeout` in ms. @default systemClock */
  readonly clock?: Clock | undefined;
  /** Calendar time for `Retry-After` dates. @default systemWallClock */
  readonly wallClock?: WallClock | undefined;
}

/** {@link AdapterOptions} validated once, with the pipeline built. */
export interface ResolvedOptions {
  /** The options as given (validated). */
  readonly layers: AdapterOptions;
  /** The composed pipeline: retry → breaker → rate limit → `policies` → per-attempt timeout. */
  readonly stack: Policy;
  /** {@link AdapterOptions.retryNonIdempotent}, defaulted. */
  readonly retryNonIdempotent: boolean;
  /** {@link AdapterOptions.idempotencyKeyHeader}, lower-cased and defaulted. */
  readonly idempotencyKeyHeader: string;
  /** {@link AdapterOptions.wallClock}, defaulted. */
  readonly wallClock: WallClock;
  /** The rate limiter's `penalize(ms)`, when it offers one: pass it to `RequestSafety`. */
  readonly penalize: ((ms: number) => void) | undefined;
}

const KNOWN = [
  'retry',
  'breaker',
  'rateLimit',
  'timeout',
  'policies',
  'retryNonIdempotent',
  'idempotencyKeyHeader',
  'clock',
  'wallClock',
];

/**
 * Validates adapter options and builds the pipeline once, at construction.
 * @param owner - the adapter's factory name, used in error messages (`withSentinel`).
 * @param extraKnown - further option names the adapter accepts (validated by the adapter).
 * @throws ConfigError naming the first invalid option.
 */
export function resolveAdapterOptions(
  owner: string,
  options: AdapterOptions | undefined,
  extraKnown: readonly string[] = [],
): ResolvedOptions {
  const check = optionChecker(owner);
  const opts = check.options(options, [...KNOWN, ...extraKnown]);
  const header = opts.idempotencyKeyHeader ?? 'idempotency-key';
  if (typeof header !== 'string' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(header)) {
    check.fail('idempotencyKeyHeader', header, 'a header name');
  }
  return {
    layers: opts,
    stack: pipeline({
      retry: opts.retry,
      breaker: opts.breaker,
      rateLimit: opts.rateLimit,
      policies: opts.policies,
      timeout: opts.timeout,
      clock: opts.clock,
    }),
    retryNonIdempotent: check.boolean('retryNonIdempotent', opts.retryNonIdempotent, false),
    idempotencyKeyHeader: header.toLowerCase(),
    wallClock: check.function<WallClock>('wallClock', opts.wallClock, systemWallClock),
    penalize: penalizerOf(opts.rateLimit),
  };
}

/**
 * A rate limiter policy that can be told to back off (`penalize(ms)`, on the policy or on its
 * `limiter`), so a server's Retry-After slows every caller sharing it, not only the retried call.
 */
function penalizerOf(rateLimit: Policy | undefined): ((ms: number) => void) | undefined {
  type Penalizable = { penalize?: (ms: number) => void };
  const holder = rateLimit as (Penalizable & { limiter?: Penalizable }) | undefined;
  const target = typeof holder?.penalize === 'function' ? holder : holder?.limiter;
  const penalize = target?.penalize;
  return typeof penalize === 'function' ? (ms) => penalize.call(target, ms) : undefined;
}
