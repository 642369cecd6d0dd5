import { type Clock, compose, systemWallClock, timeout, type WallClock } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

// 10 requests/s with bursts of 20, shared by every call of this client.
export function createApiClient(
  send: (signal: AbortSignal) => Promise<Response>,
  clock?: Clock,
  wallClock: WallClock = systemWallClock,
) {
  const bucket = tokenBucket({ capacity: 20, refillPerSecond: 10, clock });
  const pipeline = compose(rateLimit({ limiter: bucket, maxWaitMs: 30_000 }), timeout({ ms: 5_000, clock }));

  return {
    bucket,
    async get(): Promise<Response> {
      const response = await pipeline.execute((ctx) => send(ctx.signal));
      // The server says the quota is spent: nobody in this process sends until it has recovered.
      if (response.status === 429) bucket.penalize(retryAfterMs(response.headers.get('retry-after'), wallClock()));
      return response;
    },
  };
}

// Retry-After is whole seconds or an HTTP date (RFC 9110); absent or unreadable counts as 1 s.
// (@sentinel/http's parseRetryAfter is the strict version of this, with a cap.)
export function retryAfterMs(value: string | null, nowMs: number): number {
  if (value === null) return 1_000;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1_000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 1_000 : Math.max(0, at - nowMs);
}
