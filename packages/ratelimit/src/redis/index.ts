/**
 * `@sentinel/ratelimit/redis`: a token bucket and an exact sliding window shared by processes and
 * machines through Redis (ioredis or node-redis). Node-only; the root export stays dependency-free.
 */
export type { IORedisLike, NodeRedisLike, RedisClientLike } from './client.ts';
export type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
export {
  MAX_REDIS_WINDOW_LIMIT,
  MAX_REDIS_WINDOW_MS,
  type RedisSlidingWindowOptions,
  type RedisStoreOptions,
  type RedisTokenBucketOptions,
  type StoreErrorMode,
} from './options.ts';
export {
  type RedisSlidingWindow,
  type RedisSlidingWindowStatus,
  redisSlidingWindow,
} from './redis-sliding-window.ts';
export {
  type RedisTokenBucket,
  type RedisTokenBucketStatus,
  redisTokenBucket,
} from './redis-token-bucket.ts';
export type { RedisLimiter } from './remote-permits.ts';
export { TOKEN_BUCKET_SCRIPT } from './script.ts';
export { SLIDING_WINDOW_SCRIPT } from './sliding-window-script.ts';
