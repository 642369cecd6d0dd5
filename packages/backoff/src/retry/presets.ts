import { fullJitter } from '../schedules/modifiers.ts';
import { exponential } from '../schedules/shapes.ts';
import type { RetryOptions } from './options.ts';

/** The names of {@link retryPresets}. */
export type RetryPresetName = 'development' | 'production' | 'hft';

/**
 * The seed's three configurations as retry options, each with full jitter over an exponential
 * backoff (factor 2). Use one as it is, or spread it and override:
 * `retry({ ...retryPresets.production, shouldRetry })`.
 *
 * - `development`: 3 attempts, base 100 ms (max 30 s, the exponential default; the seed sets none).
 * - `production`: 5 attempts, base 50 ms, max 30 s.
 * - `hft`: 2 attempts, base 10 ms, max 100 ms; a retry-after hint above 100 ms gives up at once
 *   (waiting seconds for a server is never right at that latency).
 */
export const retryPresets: Readonly<Record<RetryPresetName, RetryOptions>> = Object.freeze({
  development: Object.freeze({
    maxAttempts: 3,
    backoff: fullJitter(exponential({ initialMs: 100, factor: 2, maxMs: 30_000 })),
  }),
  production: Object.freeze({
    maxAttempts: 5,
    backoff: fullJitter(exponential({ initialMs: 50, factor: 2, maxMs: 30_000 })),
  }),
  hft: Object.freeze({
    maxAttempts: 2,
    backoff: fullJitter(exponential({ initialMs: 10, factor: 2, maxMs: 100 })),
    maxRetryAfterMs: 100,
  }),
});
