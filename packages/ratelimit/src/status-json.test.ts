import { ManualClock } from '@sentinel/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITERS, POLICIES } from '../test/policies.ts';
import { cleanup, connect, describeRedis, uniquePrefix } from '../test/redis.ts';
import { adaptiveConcurrency } from './adaptive/adaptive-concurrency.ts';
import { concurrency } from './concurrency/concurrency.ts';
import { keyed } from './keyed/keyed.ts';
import { redisSlidingWindow } from './redis/redis-sliding-window.ts';
import { redisTokenBucket } from './redis/redis-token-bucket.ts';
import { sharedTokenBucket } from './shared/shared-token-bucket.ts';
import { slidingWindow } from './sliding-window/sliding-window.ts';
import { tokenBucket } from './token-bucket/token-bucket.ts';

/*
 * Conformance (issue 15 §2): every status() of this package is plain JSON — it survives
 * JSON.parse(JSON.stringify(x)) unchanged (no undefined fields, no Infinity / NaN / -0, which
 * JSON turns into null or 0), fresh, mid-use (waiters, paused) and after refusals and failures.
 */
function expectJsonSafe(status: unknown): void {
  expect(JSON.parse(JSON.stringify(status))).toStrictEqual(status);
}

const overload = Object.assign(new Error('503'), { status: 503 });

// Exports whose policies or limiters have a status(); a new one must be added here and tested below.
const WITH_STATUS = [
  'adaptiveConcurrency',
  'concurrency',
  'keyed',
  'sharedTokenBucket',
  'slidingWindow',
  'tokenBucket',
];

describe('status() survives a JSON round trip (conformance)', () => {
  it('lists every exported policy and limiter that has a status()', () => {
    const found = new Set<string>();
    for (const [name, cases] of [...Object.entries(POLICIES), ...Object.entries(LIMITERS)]) {
      if (cases.some((c) => typeof c.make(new ManualClock()).status === 'function')) found.add(name);
    }
    // rateLimit's policy has none: its limiter's status is the one to read.
    expect([...found].sort()).toEqual(WITH_STATUS);
  });

  it('tokenBucket: fresh, -0 initial tokens, drained with waiters, paused, after refusals', async () => {
    const clock = new ManualClock();
    // Regression (issue 15): initialTokens -0 was reported as tokens -0, which JSON turns into 0.
    const zero = tokenBucket({ capacity: 2, refillPerSecond: 1, initialTokens: -0, clock });
    expectJsonSafe(zero.status());
    const bucket = tokenBucket({ capacity: 2, refillPerSecond: 1, maxQueue: 1, clock });
    expectJsonSafe(bucket.status());
    bucket.tryAcquire(2);
    const waiting = bucket.acquire();
    await bucket.acquire().catch(() => {});
    expectJsonSafe(bucket.status());
    bucket.penalize(5_000);
    expect(bucket.status().pausedUntil).toBe(5_000);
    expectJsonSafe(bucket.status());
    await clock.advance(10_000);
    await waiting;
    expectJsonSafe(bucket.status());
  });

  it('slidingWindow: fresh, used, waiting, paused', async () => {
    const clock = new ManualClock();
    const window = slidingWindow({ limit: 2, windowMs: 100, clock });
    expectJsonSafe(window.status());
    window.tryAcquire(2);
    const waiting = window.acquire();
    expectJsonSafe(window.status());
    window.pauseUntil(500);
    expectJsonSafe(window.status());
    await clock.advance(600);
    await waiting;
    expectJsonSafe(window.status());
  });

  it('concurrency: unbounded and bounded queues, fresh, full with waiters, after a refusal', async () => {
    for (const maxQueue of [undefined, 1]) {
      const bulkhead = concurrency({ max: 1, maxQueue, clock: new ManualClock() });
      expectJsonSafe(bulkhead.status());
      let finish: () => void = () => {};
      const running = bulkhead.execute(() => new Promise<void>((resolve) => (finish = resolve)));
      const queued = bulkhead.execute(() => 'queued');
      // Refused by the bounded queue, queued by the unbounded one.
      const third = bulkhead.execute(() => 'third').catch(() => 'refused');
      expectJsonSafe(bulkhead.status());
      finish();
      await Promise.all([running, queued, third]);
      expectJsonSafe(bulkhead.status());
    }
  });

  it('adaptiveConcurrency: aimd and gradient, fresh, after overloads, waiting, after a refusal', async () => {
    const clock = new ManualClock();
    for (const algorithm of ['aimd', 'gradient'] as const) {
      const limiter = adaptiveConcurrency({ algorithm, initial: 1, min: 1, max: 4, maxQueue: 1, clock });
      expectJsonSafe(limiter.status());
      // Enough timed calls for the gradient to complete windows (its rtt leaves null).
      for (let i = 0; i < 5; i++) {
        const call = limiter.execute(() => clock.sleep(10));
        await clock.advance(10);
        await call;
      }
      await limiter.execute(() => Promise.reject(overload)).catch(() => {});
      expectJsonSafe(limiter.status());
      let finish: () => void = () => {};
      const running = limiter.execute(() => new Promise<void>((resolve) => (finish = resolve)));
      const queued = limiter.execute(() => 'queued');
      await limiter.execute(() => 'refused').catch(() => {});
      expectJsonSafe(limiter.status());
      finish();
      await Promise.all([running, queued]);
      expectJsonSafe(limiter.status());
    }
  });

  it('sharedTokenBucket: fresh, -0 initial tokens, drained, paused', async () => {
    const clock = new ManualClock(1_000);
    expectJsonSafe(sharedTokenBucket({ capacity: 2, refillPerSecond: 1, initialTokens: -0, clock }).status());
    const bucket = sharedTokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    expectJsonSafe(bucket.status());
    bucket.tryAcquire(2);
    expectJsonSafe(bucket.status());
    bucket.penalize(5_000);
    expectJsonSafe(bucket.status());
    await clock.advance(1_500);
    expectJsonSafe(bucket.status());
  });

  it('keyed: without and with idleMs, fresh, holding keys, after evictions', async () => {
    const clock = new ManualClock();
    for (const idleMs of [undefined, 1_000]) {
      const limiters = keyed({
        create: () => tokenBucket({ capacity: 1, refillPerSecond: 1, clock }),
        maxKeys: 2,
        idleMs,
        clock,
      });
      expectJsonSafe(limiters.status());
      for (const key of ['a', 'b', 'c']) limiters.tryAcquire(key);
      expectJsonSafe(limiters.status());
      await clock.advance(2_000);
      expectJsonSafe(limiters.status());
    }
  });
});

describeRedis('Redis limiters: status() survives a JSON round trip (conformance)', () => {
  const redis = connect();
  const prefix = uniquePrefix('status-json');
  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it('redisTokenBucket and redisSlidingWindow: fresh, used, and with the store down', async () => {
    const bucket = redisTokenBucket({ redis, key: `${prefix}bucket`, capacity: 2, refillPerSecond: 0.001 });
    const window = redisSlidingWindow({ redis, key: `${prefix}window`, limit: 2, windowMs: 60_000 });
    for (const limiter of [bucket, window]) {
      expectJsonSafe(await limiter.status());
      await limiter.tryAcquire(2);
      expectJsonSafe(await limiter.status());
    }
    // A key of another type (a list) makes every script run fail: a real store error, no mock.
    await redis.rpush(`${prefix}wrong`, 'not a limiter');
    const downBucket = redisTokenBucket({ redis, key: `${prefix}wrong`, capacity: 2, refillPerSecond: 1 });
    const downWindow = redisSlidingWindow({ redis, key: `${prefix}wrong`, limit: 2, windowMs: 1_000 });
    const down = [await downBucket.status(), await downWindow.status()];
    expect(down.map((status) => status.store)).toEqual(['down', 'down']);
    for (const status of down) expectJsonSafe(status);
  });
});
