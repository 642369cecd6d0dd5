import { circuitBreaker, countWindow } from '@sentinel/breaker';

interface Response {
  readonly status: number;
}

/**
 * Judge HTTP outcomes: a resolved 5xx is a failure, a 404 says nothing about the server's health,
 * and a response slower than 2 s counts as slow. Opens when half of the last 20 calls failed, or
 * 80% of them were slow, once 10 calls were seen.
 */
export const api = circuitBreaker({
  trigger: countWindow({ size: 20, minimumCalls: 10, failureRate: 0.5, slowCallMs: 2_000, slowCallRate: 0.8 }),
  isFailure: (outcome) => (outcome.ok ? (outcome.value as Response).status >= 500 : true),
  isIgnored: (outcome) => outcome.ok && (outcome.value as Response).status === 404,
  // The open period doubles while probes keep failing: 1 s, 2 s, 4 s ... up to a minute.
  halfOpenAfter: (attempt) => Math.min(1_000 * 2 ** (attempt - 1), 60_000),
});
