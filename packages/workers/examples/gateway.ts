import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { createWorkerPool, isQueueFullError } from '@sentinel/workers';

// The API gateway: 16 workers, each with its own client, retry and breaker. What they share is
// passed in explicitly: the 200 requests/s the upstream API allows.
export async function createGateway(upstream: string) {
  const quota = tokenBucket({ capacity: 50, refillPerSecond: 200 });
  const pool = await createWorkerPool({
    workers: 16,
    maxQueue: 1_000, // beyond that, refuse at once instead of queueing forever
    setup: () => ({
      client: createClient({
        baseUrl: upstream,
        retry: retry({ maxAttempts: 3, backoff: fullJitter(exponential({ initialMs: 50, maxMs: 1_000 })) }),
        breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 5_000 }),
        rateLimit: rateLimit({ limiter: quota, maxWaitMs: 2_000 }),
      }),
    }),
  });

  return {
    pool,
    /** Proxies one call; the caller's signal (a client that hung up) aborts it wherever it is. */
    async get(path: string, signal?: AbortSignal): Promise<{ status: number; body: unknown }> {
      try {
        return await pool.run(
          async ({ client }, ctx) => {
            const response = await client.get(path, { signal: ctx.signal });
            return { status: response.status, body: await response.json() };
          },
          { signal },
        );
      } catch (error) {
        if (isQueueFullError(error)) return { status: 503, body: { error: 'busy, try again' } };
        throw error;
      }
    },
  };
}
