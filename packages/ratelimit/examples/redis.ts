import { rateLimit } from '@sentinel/ratelimit';
import { redisTokenBucket } from '@sentinel/ratelimit/redis';
import type { Redis } from 'ioredis';

// Every process of the fleet shares 200 requests/s to the payment provider.
export function paymentsLimit(redis: Redis, processes: number, key = 'rl:payments-provider') {
  const bucket = redisTokenBucket({
    redis,
    key,
    capacity: 20,
    refillPerSecond: 200,
    // If Redis is down, each process keeps its share of the rate locally.
    onStoreError: 'local',
    localShare: 1 / processes,
  });
  bucket.onStoreDown(({ error }) => console.warn('rate limit store down, limiting locally', error));
  return rateLimit({ limiter: bucket, maxWaitMs: 2_000 });
}
