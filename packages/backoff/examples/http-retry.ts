import { type RetryBudget, retry, retryPresets } from '@sentinel/backoff';
import { type Clock, isNonRetryable, type Random, retryAfterOf } from '@sentinel/core';

/** What the example needs to be testable without real waits; production passes nothing. */
export interface GetJsonOptions {
  readonly budget?: RetryBudget;
  readonly clock?: Clock;
  readonly random?: Random;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);

/** Retry-After in seconds (the HTTP-date form is left to @sentinel/http). */
function retryAfterHeader(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return response.headers.has('retry-after') && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * A GET-JSON function that retries network errors and 429/5xx responses with the production
 * preset, waits what the server's Retry-After asks (up to 30 s), and shares a retry budget with
 * every other worker using the same `budget`.
 */
export function createGetJson(options: GetJsonOptions = {}) {
  const policy = retry({
    ...retryPresets.production,
    ...options,
    // A resolved 503 is a failure worth retrying; thrown errors keep the default rule.
    shouldRetry: (outcome) =>
      outcome.ok ? RETRYABLE_STATUS.has((outcome.value as Response).status) : !isNonRetryable(outcome.error),
    retryAfter: (outcome) => (outcome.ok ? retryAfterHeader(outcome.value as Response) : retryAfterOf(outcome.error)),
  });
  return async (url: string, signal?: AbortSignal): Promise<unknown> => {
    // Passing ctx.signal to fetch matters: when a 503 is retried, its attempt's signal is aborted,
    // which releases the discarded response's connection.
    let attempts = 0;
    const response = await policy.execute(
      (ctx) => {
        attempts = ctx.attempt;
        return fetch(url, { signal: ctx.signal });
      },
      { signal },
    );
    // Out of attempts (or budget), the last 503 comes back as a response: turn it into an error here.
    if (!response.ok) throw new Error(`GET ${url}: ${response.status} after ${attempts} attempts`);
    return response.json();
  };
}
