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
        "TOKEN_BUCKET_SCRIPT",
        "redisTokenBucket",
      ]
    `);
  });
});
