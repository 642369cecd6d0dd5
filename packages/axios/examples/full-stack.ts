import { withSentinel } from '@sentinel/axios';
import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, countWindow } from '@sentinel/breaker';
import type { Clock } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios from 'axios';

// Tests pass a ManualClock from @sentinel/core/testing to drive the backoffs; production leaves it out.
export function createApi(baseURL: string, clock?: Clock) {
  const api = axios.create({ baseURL });
  withSentinel(api, {
    // 4 attempts, full-jitter exponential backoff; Retry-After wins when the server sends one.
    retry: retry({ maxAttempts: 4, backoff: fullJitter(exponential({ initialMs: 200, maxMs: 5_000 })), clock }),
    // Open when half of the last 20 calls failed (after at least 10), probe again after 10 s.
    breaker: circuitBreaker({
      trigger: countWindow({ size: 20, failureRate: 0.5, minimumCalls: 10 }),
      halfOpenAfter: 10_000,
      clock,
    }),
    // At most 50 requests per second, bursts of 10; a 429's Retry-After pauses it.
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 10, refillPerSecond: 50, clock }) }),
    // Each attempt gets 2 s.
    timeout: 2_000,
  });
  return api;
}
