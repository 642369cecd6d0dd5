import { getEventListeners } from 'node:events';
import { ManualClock } from '@sentinel/core/testing';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { abortedSignal, expectRefusesAbortedSignal } from '../../core/test/aborted-signal.ts';
import { LIMITERS, OTHERS, POLICIES, type WithStatus } from '../test/policies.ts';
import { cleanup, connect, describeRedis, uniquePrefix } from '../test/redis.ts';
import * as ratelimit from './index.ts';
import * as redisExports from './redis/index.ts';

/*
 * Conformance (issue 15 §2): every policy and every limiter this package exports, called with a
 * signal that is ALREADY aborted, rejects with exactly `signal.reason`, never calls the work,
 * takes nothing (its status is unchanged), leaves no timer on the clock and no listener on the
 * signal — as `fetch` does.
 */
const snapshot = async (subject: WithStatus): Promise<unknown> => await subject.status?.();

describe('every policy and limiter refuses an already aborted signal (conformance)', () => {
  it('the tables list every export of the index, as a policy, a limiter or neither', () => {
    const listed = new Set([...Object.keys(POLICIES), ...Object.keys(LIMITERS), ...OTHERS]);
    expect([...listed].sort()).toEqual(Object.keys(ratelimit).sort());
  });

  it.each(
    Object.values(POLICIES)
      .flat()
      .map((c) => [c.name, c] as const),
  )('%s: execute', async (_, { make }) => {
    const clock = new ManualClock();
    await expectRefusesAbortedSignal(make(clock), clock);
  });

  it.each(
    Object.values(LIMITERS)
      .flat()
      .map((c) => [c.name, c] as const),
  )('%s: acquire', async (_, { make }) => {
    const clock = new ManualClock();
    const limiter = make(clock);
    const before = await snapshot(limiter);
    const { signal, reason } = abortedSignal();
    await expect(limiter.acquire(1, { signal })).rejects.toBe(reason);
    await expect(limiter.acquire(1, { signal, maxWaitMs: 5 })).rejects.toBe(reason);
    expect(clock.pending).toBe(0);
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    expect(await snapshot(limiter)).toEqual(before);
  });

  it('regression (issue 15): rateLimit and concurrency ran the work when a permit was free', async () => {
    const { signal, reason } = abortedSignal();
    const fn = vi.fn(() => 'ran');
    const limiter = ratelimit.tokenBucket({ capacity: 1, refillPerSecond: 1, clock: new ManualClock() });
    await expect(ratelimit.rateLimit({ limiter }).execute(fn, { signal })).rejects.toBe(reason);
    await expect(ratelimit.concurrency({ max: 1 }).execute(fn, { signal })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(limiter.status().tokens).toBe(1);
  });

  it('regression (issue 15): keyed.acquire with an aborted signal evicted another key for nothing', async () => {
    const clock = new ManualClock();
    const limiters = ratelimit.keyed({
      create: () => ratelimit.tokenBucket({ capacity: 1, refillPerSecond: 1, clock }),
      maxKeys: 1,
      clock,
    });
    limiters.get('a');
    const { signal, reason } = abortedSignal();
    await expect(limiters.acquire('b', 1, { signal })).rejects.toBe(reason);
    expect([limiters.has('a'), limiters.has('b'), limiters.status().evicted]).toEqual([true, false, 0]);
  });
});

const REDIS_LIMITERS = ['redisSlidingWindow', 'redisTokenBucket'];
const REDIS_OTHERS = ['MAX_REDIS_WINDOW_LIMIT', 'MAX_REDIS_WINDOW_MS', 'SLIDING_WINDOW_SCRIPT', 'TOKEN_BUCKET_SCRIPT'];

it('the Redis tables list every export of @sentinel/ratelimit/redis', () => {
  expect([...REDIS_LIMITERS, ...REDIS_OTHERS].sort()).toEqual(Object.keys(redisExports).sort());
});

describeRedis('Redis limiters refuse an already aborted signal (conformance)', () => {
  const redis = connect();
  const prefix = uniquePrefix('aborted');
  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });
  const make: Record<string, (key: string) => redisExports.RedisLimiter & WithStatus> = {
    redisTokenBucket: (key) => redisExports.redisTokenBucket({ redis, key, capacity: 2, refillPerSecond: 1 }),
    redisSlidingWindow: (key) => redisExports.redisSlidingWindow({ redis, key, limit: 2, windowMs: 60_000 }),
  };

  it.each(REDIS_LIMITERS)('%s: acquire, and rateLimit over it in both modes', async (name) => {
    const limiter = (make[name] as (key: string) => redisExports.RedisLimiter & WithStatus)(`${prefix}${name}`);
    const before = await snapshot(limiter);
    const { signal, reason } = abortedSignal();
    const fn = vi.fn(() => 'ran');
    await expect(limiter.acquire(1, { signal })).rejects.toBe(reason);
    await expect(ratelimit.rateLimit({ limiter }).execute(fn, { signal })).rejects.toBe(reason);
    await expect(ratelimit.rateLimit({ limiter, mode: 'reject' }).execute(fn, { signal })).rejects.toBe(reason);
    expect(fn).not.toHaveBeenCalled();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // Nothing was taken from Redis: the status (tokens in a bucket that was full, or the window's use) is unchanged.
    expect(await snapshot(limiter)).toEqual(before);
  });
});
