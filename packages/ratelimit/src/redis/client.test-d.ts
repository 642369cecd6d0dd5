// Type tests (checked by tsc, never run): both real clients fit the structural types, so users
// pass them without casts.
import type { Cluster, Redis } from 'ioredis';
import type { createClient } from 'redis';
import { rateLimit } from '../rate-limit/rate-limit.ts';
import type { RedisClientLike } from './client.ts';
import { type RedisSlidingWindow, redisSlidingWindow } from './redis-sliding-window.ts';
import { type RedisTokenBucket, redisTokenBucket } from './redis-token-bucket.ts';

declare const io: Redis;
declare const cluster: Cluster;
declare const node: ReturnType<typeof createClient>;

const a: RedisClientLike = io;
const b: RedisClientLike = cluster;
const c: RedisClientLike = node;
void [a, b, c];

const bucket: RedisTokenBucket = redisTokenBucket({ redis: io, key: 'k', capacity: 1, refillPerSecond: 1 });
const granted: Promise<boolean> = bucket.tryAcquire();
void granted;
// rateLimit accepts the Redis bucket like any limiter, and execute keeps the result type.
const result: Promise<number> = rateLimit({ limiter: bucket }).execute(() => 1);
void result;
// @ts-expect-error: not a Redis client.
redisTokenBucket({ redis: {}, key: 'k', capacity: 1, refillPerSecond: 1 });

const window: RedisSlidingWindow = redisSlidingWindow({ redis: node, key: 'k', limit: 5, windowMs: 1_000 });
const windowGranted: Promise<boolean> = window.tryAcquire(2);
void windowGranted;
const windowResult: Promise<string> = rateLimit({ limiter: window, mode: 'reject' }).execute(() => 'x');
void windowResult;
// @ts-expect-error: a window has a limit, not a capacity.
redisSlidingWindow({ redis: io, key: 'k', capacity: 1, windowMs: 1 });
