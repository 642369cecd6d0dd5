import type { Policy } from '@sentinel/core';
import { parseRateLimit, parseRetryAfter } from '@sentinel/http';

interface Pausable {
  penalize?(ms: number): void;
  limiter?: { penalize?(ms: number): void };
}

/** The limiter's `penalize`, found on the policy or on its `limiter` (duck-typed; absent is fine). */
export function penalizerOf(rateLimit: Policy | undefined): ((ms: number) => void) | undefined {
  const candidate = rateLimit as (Policy & Pausable) | undefined;
  if (typeof candidate?.penalize === 'function') return (ms) => candidate.penalize?.(ms);
  const inner = candidate?.limiter;
  if (typeof inner?.penalize === 'function') return (ms) => inner.penalize?.(ms);
  return undefined;
}

/**
 * The server's Retry-After in ms (a date turned into a delay with the wall clock), or undefined.
 */
export function retryAfterMsOf(headers: Record<string, string | string[]>, now: number): number | undefined {
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  return parseRetryAfter(Array.isArray(value) ? value[0] : value, now);
}

/**
 * Slows the limiter on what the server said: a Retry-After pauses it (when it is not absurdly
 * long), and a RateLimit/X-RateLimit header saying nothing remains pauses it until the reset,
 * so the next request waits instead of earning a 429.
 */
export function applyLimiterHints(
  penalize: ((ms: number) => void) | undefined,
  headers: Record<string, string | string[]>,
  retryAfterMs: number | undefined,
  now: number,
  maxPauseMs: number,
): void {
  if (penalize === undefined) return;
  let pause = retryAfterMs !== undefined && retryAfterMs <= maxPauseMs ? retryAfterMs : 0;
  // undici hands response headers as an object with lower-case names: direct reads, no scan.
  if (
    headers.ratelimit !== undefined ||
    headers['ratelimit-remaining'] !== undefined ||
    headers['x-ratelimit-remaining'] !== undefined
  ) {
    const info = parseRateLimit(headers, now);
    if (info?.remaining === 0 && info.resetMs !== undefined && info.resetMs <= maxPauseMs) {
      pause = Math.max(pause, info.resetMs);
    }
  }
  if (pause > 0) penalize(pause);
}
