/**
 * `@sentinel/breaker/redis`: breakers that warn each other across processes through Redis
 * (ioredis or node-redis). Node-only; the root export stays dependency-free.
 */
export type {
  IORedisSubscriberLike,
  IORedisSyncLike,
  NodeRedisSubscriberLike,
  NodeRedisSyncLike,
  RedisSyncClientLike,
} from './client.ts';
export {
  type BreakerSync,
  type BreakerSyncStatus,
  type PeerOpenEvent,
  type SyncBreakersOptions,
  type SyncErrorEvent,
  syncBreakers,
} from './sync-breakers.ts';
