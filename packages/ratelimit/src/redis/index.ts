/**
 * `@sentinel/ratelimit/redis`: a token bucket shared by processes and machines through Redis
 * (ioredis or node-redis). Node-only; the root export stays dependency-free.
 */
export type { IORedisLike, NodeRedisLike, RedisClientLike } from './client.ts';
export type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
export type { RedisTokenBucketOptions, StoreErrorMode } from './options.ts';
export {
  type RedisTokenBucket,
  type RedisTokenBucketStatus,
  redisTokenBucket,
} from './redis-token-bucket.ts';
export { TOKEN_BUCKET_SCRIPT } from './script.ts';
