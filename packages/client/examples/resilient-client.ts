import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { breakerGroup, circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient, isHttpError } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

/** The README's client: retry → per-origin breaker → rate limit, all passed in as values. */
export function makeApiClient(baseUrl: string) {
  return createClient({
    baseUrl,
    timeouts: { connectMs: 2_000, headersMs: 5_000, bodyIdleMs: 5_000, totalMs: 15_000 },
    retry: retry({ maxAttempts: 3, backoff: fullJitter(exponential({ initialMs: 50, factor: 2, maxMs: 1_000 })) }),
    breaker: breakerGroup({
      create: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 10_000 }),
    }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 50, refillPerSecond: 50 }) }),
  });
}

interface Order {
  readonly id: string;
}

/** A POST made retryable by an idempotency key, and a GET that treats 404 as "absent". */
export async function placeAndFetch(baseUrl: string): Promise<{ created: number; missing: boolean }> {
  await using client = makeApiClient(baseUrl);
  const created = await client.post('/orders', { json: { item: 'book' }, idempotencyKey: true });
  let missing = false;
  try {
    await client.get('/orders/unknown').then((r) => r.json<Order>());
  } catch (error) {
    if (isHttpError(error) && error.status === 404) missing = true;
    else throw error;
  }
  return { created: created.status, missing };
}

/** Stream a large download without buffering it; the connection is released when the block ends. */
export async function download(baseUrl: string, path: string): Promise<number> {
  await using client = createClient({ baseUrl });
  await using response = await client.get(path, { stream: true });
  let bytes = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return bytes;
}
