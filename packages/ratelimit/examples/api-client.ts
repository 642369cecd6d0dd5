import { type Clock, compose, timeout } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

// 10 requests/s with bursts of 20, shared by every call of this client.
export function createApiClient(send: (signal: AbortSignal) => Promise<Response>, clock?: Clock) {
  const bucket = tokenBucket({ capacity: 20, refillPerSecond: 10, clock });
  const pipeline = compose(rateLimit({ limiter: bucket, maxWaitMs: 30_000 }), timeout({ ms: 5_000, clock }));

  return {
    bucket,
    async get(): Promise<Response> {
      const response = await pipeline.execute((ctx) => send(ctx.signal));
      // The server says the quota is spent: nobody in this process sends until it has recovered.
      if (response.status === 429) bucket.penalize(Number(response.headers.get('retry-after') ?? 1) * 1_000);
      return response;
    },
  };
}
