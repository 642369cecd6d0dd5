import { afterAll, describe, expect, it } from 'vitest';
import { BAD_NUMBERS, expectCoherent } from '../../core/test/coherent-message.ts';
import { connect } from '../test/redis.ts';
import { adaptiveConcurrency } from './adaptive/adaptive-concurrency.ts';
import { concurrency } from './concurrency/concurrency.ts';
import { keyed } from './keyed/keyed.ts';
import { rateLimit } from './rate-limit/rate-limit.ts';
import { redisSlidingWindow } from './redis/redis-sliding-window.ts';
import { redisTokenBucket } from './redis/redis-token-bucket.ts';
import { sharedTokenBucket } from './shared/shared-token-bucket.ts';
import { slidingWindow } from './sliding-window/sliding-window.ts';
import { tokenBucket } from './token-bucket/token-bucket.ts';

/*
 * Every numeric option of every factory (and the numeric arguments of calls), handed the usual
 * mistakes: each refusal names one coherent range (issue 15 §2).
 */
// Never connects: options are checked before any command.
const redis = connect({ lazyConnect: true });
afterAll(() => redis.disconnect());
const create = () => tokenBucket({ capacity: 1, refillPerSecond: 1 });
const store = { redis, key: 'sentinel-test:messages' };

const OPTIONS: Record<string, (value: unknown) => unknown> = {
  'tokenBucket.capacity': (v) => tokenBucket({ capacity: v as number, refillPerSecond: 1 }),
  'tokenBucket.refillPerSecond': (v) => tokenBucket({ capacity: 1, refillPerSecond: v as number }),
  'tokenBucket.initialTokens': (v) => tokenBucket({ capacity: 1, refillPerSecond: 1, initialTokens: v as number }),
  'tokenBucket.maxQueue': (v) => tokenBucket({ capacity: 1, refillPerSecond: 1, maxQueue: v as number }),
  'tokenBucket.tryAcquire(n)': (v) => tokenBucket({ capacity: 2, refillPerSecond: 1 }).tryAcquire(v as number),
  'tokenBucket.penalize(ms)': (v) => tokenBucket({ capacity: 2, refillPerSecond: 1 }).penalize(v as number),
  'slidingWindow.limit': (v) => slidingWindow({ limit: v as number, windowMs: 1 }),
  'slidingWindow.windowMs': (v) => slidingWindow({ limit: 1, windowMs: v as number }),
  'slidingWindow.maxQueue': (v) => slidingWindow({ limit: 1, windowMs: 1, maxQueue: v as number }),
  'concurrency.max': (v) => concurrency({ max: v as number }),
  'concurrency.maxQueue': (v) => concurrency({ max: 1, maxQueue: v as number }),
  'concurrency.release(n), none held': (v) => concurrency({ max: 2 }).release(v as number),
  'adaptiveConcurrency.min': (v) => adaptiveConcurrency({ min: v as number }),
  'adaptiveConcurrency.max': (v) => adaptiveConcurrency({ min: 2, max: v as number }),
  'adaptiveConcurrency.initial': (v) => adaptiveConcurrency({ min: 2, max: 2, initial: v as number }),
  'adaptiveConcurrency.maxQueue': (v) => adaptiveConcurrency({ maxQueue: v as number }),
  'keyed.maxKeys': (v) => keyed({ create, maxKeys: v as number }),
  'keyed.idleMs': (v) => keyed({ create, idleMs: v as number }),
  'rateLimit.maxWaitMs': (v) => rateLimit({ limiter: create(), maxWaitMs: v as number }),
  'rateLimit.cost': (v) => rateLimit({ limiter: create(), cost: v as number }),
  'sharedTokenBucket.capacity': (v) => sharedTokenBucket({ capacity: v as number, refillPerSecond: 1 }),
  'sharedTokenBucket.refillPerSecond': (v) => sharedTokenBucket({ capacity: 1, refillPerSecond: v as number }),
  'sharedTokenBucket.initialTokens': (v) =>
    sharedTokenBucket({ capacity: 1, refillPerSecond: 1, initialTokens: v as number }),
  'redisTokenBucket.capacity': (v) => redisTokenBucket({ ...store, capacity: v as number, refillPerSecond: 1 }),
  'redisTokenBucket.refillPerSecond': (v) => redisTokenBucket({ ...store, capacity: 1, refillPerSecond: v as number }),
  'redisTokenBucket.localShare': (v) =>
    redisTokenBucket({ ...store, capacity: 1, refillPerSecond: 1, localShare: v as number }),
  'redisTokenBucket.commandTimeoutMs': (v) =>
    redisTokenBucket({ ...store, capacity: 1, refillPerSecond: 1, commandTimeoutMs: v as number }),
  'redisTokenBucket.retryStoreAfterMs': (v) =>
    redisTokenBucket({ ...store, capacity: 1, refillPerSecond: 1, retryStoreAfterMs: v as number }),
  'redisSlidingWindow.limit': (v) => redisSlidingWindow({ ...store, limit: v as number, windowMs: 1 }),
  'redisSlidingWindow.windowMs': (v) => redisSlidingWindow({ ...store, limit: 1, windowMs: v as number }),
};

describe('every option error names one coherent range', () => {
  it.each(Object.entries(OPTIONS))('%s', (_, build) => {
    const messages = [...BAD_NUMBERS, 0, -0].map((value) => expectCoherent(build, value)).filter(Boolean);
    expect(messages.length).toBeGreaterThan(0);
  });
});
