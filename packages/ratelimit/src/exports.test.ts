import { describe, expect, it } from 'vitest';
import * as ratelimit from './index.ts';
import * as redis from './redis/index.ts';

// The public surface changes only on purpose: update these lists in the same commit as a changeset.
describe('public exports', () => {
  it('@sentinel/ratelimit', () => {
    expect(Object.keys(ratelimit).sort()).toMatchInlineSnapshot(`
      [
        "MAX_WINDOW_LIMIT",
        "RateLimitedError",
        "adaptiveConcurrency",
        "concurrency",
        "epochClock",
        "isRateLimitedError",
        "keyed",
        "rateLimit",
        "sharedTokenBucket",
        "slidingWindow",
        "tokenBucket",
      ]
    `);
  });

  it('@sentinel/ratelimit/redis', () => {
    expect(Object.keys(redis).sort()).toMatchInlineSnapshot(`
      [
        "MAX_REDIS_WINDOW_LIMIT",
        "MAX_REDIS_WINDOW_MS",
        "SLIDING_WINDOW_SCRIPT",
        "TOKEN_BUCKET_SCRIPT",
        "redisSlidingWindow",
        "redisTokenBucket",
      ]
    `);
  });
});
