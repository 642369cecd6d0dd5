/**
 * The seed's three configurations ("Configuration Guidelines"), as plain data: every knob is
 * stated, nothing is a function, so `JSON.stringify(presets.production)` prints exactly what a
 * client built from it does. `createResilientClient` turns a preset into policies.
 */

/** The names of {@link presets}. */
export type PresetName = 'development' | 'production' | 'hft';

/** How a retry waits: an exponential backoff `baseDelayMs × factor^(n-1)`, capped, then jittered. */
export interface RetryKnobs {
  /** Attempts in all, the first included (an integer >= 1; 1 = no retry). */
  readonly maxAttempts: number;
  /** The first retry's delay before jitter, in ms. */
  readonly baseDelayMs: number;
  /** The longest delay before jitter, in ms. */
  readonly maxDelayMs: number;
  /** Growth of the delay per retry (>= 1). */
  readonly factor: number;
  /**
   * `'full'`: a uniform draw in [0, delay] (AWS's "full jitter", spreads a herd best);
   * `'equal'`: half fixed, half drawn; `'none'`: the delay as computed.
   */
  readonly jitter: 'full' | 'equal' | 'none';
}

/** A breaker per origin that opens after consecutive failures (retryable statuses, network errors). */
export interface BreakerKnobs {
  /** Failures in a row that open the breaker (an integer >= 1). */
  readonly consecutiveFailures: number;
  /** How long an open breaker rejects before it lets a probe through, in ms. */
  readonly halfOpenAfterMs: number;
}

/** A token bucket in front of the requests of one client. */
export interface RateLimitKnobs {
  /** Sustained rate (tokens refilled per second, > 0). */
  readonly requestsPerSecond: number;
  /** Bucket capacity: how many requests may go at once after a quiet spell (>= 1). */
  readonly burst: number;
  /** Longest wait for a token before failing with `RateLimitedError`, in ms. */
  readonly maxWaitMs: number;
}

/** Phase timeouts, in ms (see `@sentinel/client`'s `Timeouts`). */
export interface TimeoutKnobs {
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyIdleMs: number;
  readonly totalMs: number;
}

/** One preset: every knob `createResilientClient` reads, explicitly. */
export interface Preset {
  readonly name: PresetName;
  readonly retry: RetryKnobs;
  /**
   * The longest server `Retry-After` (or open breaker) worth waiting for, in ms; a longer one fails
   * the request at once. Applied to both the retry and the client.
   */
  readonly maxRetryAfterMs: number;
  /** Per-origin circuit breaker, or `false` for none. */
  readonly breaker: BreakerKnobs | false;
  /** Client-side rate limit, or `false` for none (no preset sets one: only you know the API's limit). */
  readonly rateLimit: RateLimitKnobs | false;
  readonly timeouts: TimeoutKnobs;
  /** Connections per origin of the client's own undici Agent. */
  readonly connections: number;
}

/** Knobs used when an override turns on a breaker that its preset leaves off (`development`). */
export const BREAKER_DEFAULTS: BreakerKnobs = Object.freeze({ consecutiveFailures: 5, halfOpenAfterMs: 10_000 });

/** Knobs used with an override's `rateLimit: { requestsPerSecond }` (`burst` defaults to the rate). */
export const RATE_LIMIT_DEFAULTS: Omit<RateLimitKnobs, 'requestsPerSecond' | 'burst'> = Object.freeze({
  maxWaitMs: 10_000,
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The seed's presets, frozen to the last level:
 *
 * | preset | attempts | base | max delay | breaker | timeouts (connect / headers / body idle / total) |
 * |---|---|---|---|---|---|
 * | `development` | 3 | 100 ms | 30 s | off | 10 s / 30 s / 30 s / 60 s |
 * | `production` | 5 | 50 ms | 30 s | 10 failures, probe after 30 s | 5 s / 10 s / 10 s / 60 s |
 * | `hft` | 2 | 10 ms | 100 ms | 3 failures, probe after 1 s | 250 / 250 / 250 / 1,000 ms |
 *
 * All use full jitter over factor 2 and no rate limit.
 */
export const presets: Readonly<Record<PresetName, Preset>> = deepFreeze({
  development: {
    name: 'development',
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 30_000, factor: 2, jitter: 'full' },
    maxRetryAfterMs: 30_000,
    breaker: false,
    rateLimit: false,
    timeouts: { connectMs: 10_000, headersMs: 30_000, bodyIdleMs: 30_000, totalMs: 60_000 },
    connections: 10,
  },
  production: {
    name: 'production',
    retry: { maxAttempts: 5, baseDelayMs: 50, maxDelayMs: 30_000, factor: 2, jitter: 'full' },
    maxRetryAfterMs: 10_000,
    breaker: { consecutiveFailures: 10, halfOpenAfterMs: 30_000 },
    rateLimit: false,
    timeouts: { connectMs: 5_000, headersMs: 10_000, bodyIdleMs: 10_000, totalMs: 60_000 },
    connections: 32,
  },
  hft: {
    name: 'hft',
    retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 100, factor: 2, jitter: 'full' },
    maxRetryAfterMs: 100,
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_000 },
    rateLimit: false,
    timeouts: { connectMs: 250, headersMs: 250, bodyIdleMs: 250, totalMs: 1_000 },
    connections: 16,
  },
} satisfies Record<PresetName, Preset>);

/** The preset names, in the order people reach for them. */
export const PRESET_NAMES: readonly PresetName[] = Object.freeze(['development', 'production', 'hft']);
