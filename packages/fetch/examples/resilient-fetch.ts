import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import type { Clock } from '@sentinel/core';
import { sentinelFetch } from '@sentinel/fetch';

// Tests pass a ManualClock from @sentinel/core/testing to drive the backoffs; production leaves it out.
export function createFetch(clock?: Clock) {
  return sentinelFetch({
    retry: retry({ maxAttempts: 3, backoff: fullJitter(exponential({ initialMs: 250, maxMs: 4_000 })), clock }),
    breaker: circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 15_000, clock }),
    timeout: 3_000,
  });
}

// Same signature as fetch; resolves with the last response (a 503 too) when retries run out.
export async function loadUser(fetchUser: typeof fetch, baseUrl: string): Promise<unknown> {
  const response = await fetchUser(`${baseUrl}/users/42`);
  if (!response.ok) throw new Error(`users API answered ${response.status}`);
  return response.json();
}
