import { rateLimit } from '@sentinel/ratelimit';
import { redisSlidingWindow } from '@sentinel/ratelimit/redis';
import type { Redis } from 'ioredis';

// A partner API allows 5,000 calls per hour to the whole fleet, never more in any hour.
export function partnerQuota(redis: Redis, key = 'rl:partner-api:hourly') {
  const window = redisSlidingWindow({ redis, key, limit: 5_000, windowMs: 3_600_000, onStoreError: 'fail-closed' });
  // 'reject': a call over the quota fails at once with a RateLimitedError whose retryAfterMs says
  // when the oldest call of the hour leaves the window.
  return { window, policy: rateLimit({ limiter: window, mode: 'reject' }) };
}
