import { constant } from '@sentinel/backoff';
import { describe, expect, it } from 'vitest';
import { runDemo } from './demo.ts';

describe('demo', () => {
  it('keeps every guarantee against the chaos server: no unkeyed POST twice, attempts = server requests, retries recover', async () => {
    // A zero backoff and no Retry-After fault: the retries wait on no timer, so nothing sleeps.
    const report = await runDemo({
      workers: 3,
      requestsPerWorker: 30,
      seed: 11,
      backoff: constant(0),
      retryAfterSeconds: undefined,
    });
    expect(report.requests).toBe(90);
    expect(report.unkeyedPosts).toBe(9);
    expect(report.keyedPosts).toBe(18);
    expect(report.checks).toEqual({
      'no POST without an idempotency key was sent twice': true,
      'every attempt the clients made reached the server exactly once': true,
      'retryable requests (GETs, keyed POSTs) succeeded at least 95 % of the time': true,
    });
    // The faults did fire and were retried: more attempts than requests.
    expect(report.attempts).toBeGreaterThan(report.requests);
  });
});
