import { isConfigError, systemClock } from '@sentinel/core';
import { createClient } from 'redis';
import { afterAll, expect, it } from 'vitest';
import { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../test/redis.ts';
import { rateLimit } from '../rate-limit/rate-limit.ts';
import { redisTokenBucket } from './redis-token-bucket.ts';
import { EPOCH_SECONDS, TICKS_PER_MS, TOKEN_BUCKET_SHA } from './script.ts';

describeRedis('redisTokenBucket on a real Redis', () => {
  const prefix = uniquePrefix('bucket');
  const redis = connect();
  let n = 0;
  const key = () => `${prefix}${++n}`;

  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it('grants capacity, then refuses, then refills at the rate (Redis TIME)', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 5, refillPerSecond: 20 });
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await bucket.tryAcquire());
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(bucket.estimateWaitMs(1)).toBeGreaterThan(0);
    // Real time: Redis's own clock decides. 60 ms at 20/s refills at least one token.
    await systemClock.sleep(60);
    expect(await bucket.tryAcquire()).toBe(true);
  });

  it('takes n at once and reports tokens in status()', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 10, refillPerSecond: 0.001 });
    expect(await bucket.tryAcquire(7)).toBe(true);
    expect(await bucket.tryAcquire(4)).toBe(false);
    const status = await bucket.status();
    expect(status).toMatchObject({ capacity: 10, store: 'up', onStoreError: 'local' });
    expect(status.tokens).toBeGreaterThanOrEqual(3);
    expect(status.tokens).toBeLessThan(3.01);
  });

  it('sets a TTL on its key: the key vanishes within the second the bucket is full again', async () => {
    const k = key();
    const bucket = redisTokenBucket({ redis, key: k, capacity: 10, refillPerSecond: 1 });
    await bucket.tryAcquire(2);
    // Full again in 2 s: the key expires at the end of that second.
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(1_900);
    expect(ttl).toBeLessThanOrEqual(3_000);
    // A TAT in a later second moves the expiry (EXAT); within the same second it is kept (KEEPTTL).
    await bucket.tryAcquire(5);
    const later = await redis.pttl(k);
    expect(later).toBeGreaterThan(6_900);
    expect(later).toBeLessThanOrEqual(8_000);
    const idle = redisTokenBucket({ redis, key: key(), capacity: 2, refillPerSecond: 1 });
    await idle.status();
    expect(await redis.exists(idle.key)).toBe(0);
  });

  it('stores the TAT as one integer (ticks since the script epoch), rounded against the caller', async () => {
    const k = key();
    // 3 tokens/s: 5,333,333.33... ticks per token, never a whole number.
    const bucket = redisTokenBucket({ redis, key: k, capacity: 3, refillPerSecond: 3 });
    expect(await bucket.tryAcquire(3)).toBe(true);
    const stored = await redis.get(k);
    expect(stored).toMatch(/^\d+$/);
    expect(await bucket.tryAcquire()).toBe(false);
    // Three tokens of debt, within a millisecond of Redis's now (the value is ticks of 1/16 µs).
    const [seconds = 0, micros = 0] = (await redis.time()).map(Number);
    const now = (seconds - EPOCH_SECONDS) * 16e6 + micros * 16;
    const debtMs = (Number(stored) - now) / TICKS_PER_MS;
    expect(debtMs).toBeGreaterThan(1_000 - 50);
    expect(debtMs).toBeLessThanOrEqual(1_000);
  });

  it('a key holding a value that is not a number counts as a full bucket and is overwritten', async () => {
    const k = key();
    await redis.set(k, 'not a number', 'PX', 60_000);
    const bucket = redisTokenBucket({ redis, key: k, capacity: 2, refillPerSecond: 0.001 });
    expect(await bucket.tryAcquire(2)).toBe(true);
    expect(await bucket.tryAcquire()).toBe(false);
    expect(await redis.get(k)).toMatch(/^\d+$/);
  });

  it('acquire reserves in one round trip and waits the time Redis gave', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 1, refillPerSecond: 50 });
    await bucket.acquire();
    const start = systemClock.now();
    await bucket.acquire();
    await bucket.acquire();
    // Two more tokens at 50/s: about 40 ms (timers may fire a little late, never early).
    expect(systemClock.now() - start).toBeGreaterThanOrEqual(35);
    await expect(bucket.acquire(1, { maxWaitMs: 1 })).rejects.toMatchObject({
      code: 'SENTINEL_RATE_LIMITED',
      reason: 'max-wait',
    });
  });

  it('an aborted acquire rejects at once with the reason and gives its reservation back', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 1, refillPerSecond: 10 });
    await bucket.acquire();
    const controller = new AbortController();
    const waiting = bucket.acquire(1, { signal: controller.signal });
    await systemClock.sleep(20);
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    await systemClock.sleep(20);
    // The refund brought the next token back to ~60 ms away; without it, ~160 ms.
    expect(bucket.estimateWaitMs()).toBeLessThanOrEqual(100);
    await expect(bucket.acquire(1, { maxWaitMs: 120 })).resolves.toBeUndefined();
  });

  it('reloads the script after SCRIPT FLUSH (EVALSHA, then EVAL on NOSCRIPT)', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 3, refillPerSecond: 1 });
    expect(await bucket.tryAcquire()).toBe(true);
    await redis.script('FLUSH');
    expect(await redis.script('EXISTS', TOKEN_BUCKET_SHA)).toEqual([0]);
    expect(await bucket.tryAcquire()).toBe(true);
    expect(await redis.script('EXISTS', TOKEN_BUCKET_SHA)).toEqual([1]);
    expect((await bucket.status()).store).toBe('up');
  });

  it('works with node-redis too', async () => {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    try {
      const k = key();
      const bucket = redisTokenBucket({ redis: client, key: k, capacity: 2, refillPerSecond: 1 });
      const other = redisTokenBucket({ redis, key: k, capacity: 2, refillPerSecond: 1 });
      expect(await bucket.tryAcquire()).toBe(true);
      expect(await other.tryAcquire()).toBe(true);
      expect(await bucket.tryAcquire()).toBe(false);
    } finally {
      await client.quit();
    }
  });

  it('rateLimit() accepts it like any limiter', async () => {
    const bucket = redisTokenBucket({ redis, key: key(), capacity: 1, refillPerSecond: 0.01 });
    const reject = rateLimit({ limiter: bucket, mode: 'reject' });
    expect(await reject.execute(() => 'first')).toBe('first');
    await expect(reject.execute(() => 'second')).rejects.toMatchObject({ reason: 'empty' });
    const wait = rateLimit({ limiter: bucket, maxWaitMs: 10 });
    await expect(wait.execute(() => 'third')).rejects.toMatchObject({ reason: 'max-wait' });
  });

  it('refuses bad options and bad n', async () => {
    const base = { redis, capacity: 1, refillPerSecond: 1 };
    expect(() => redisTokenBucket({ ...base, key: '' })).toThrow(/"key" must be a string of 1 to 512 characters/);
    expect(() => redisTokenBucket({ ...base, key: 'has space' })).toThrow(/"key"/);
    expect(() => redisTokenBucket({ ...base, key: 'x\n' })).toThrow(/"key"/);
    expect(() => redisTokenBucket({ ...base, key: 'x'.repeat(513) })).toThrow(/"key"/);
    expect(() => redisTokenBucket({ ...base, key: 'k', redis: {} as never })).toThrow(/"redis" must be an ioredis/);
    expect(() => redisTokenBucket({ ...base, key: 'k', capacity: 0 })).toThrow(/"capacity"/);
    expect(() => redisTokenBucket({ ...base, key: 'k', refillPerSecond: Number.NaN })).toThrow(/"refillPerSecond"/);
    expect(() => redisTokenBucket({ ...base, key: 'k', onStoreError: 'ignore' as never })).toThrow(/"onStoreError"/);
    expect(() => redisTokenBucket({ ...base, key: 'k', localShare: 0 })).toThrow(/"localShare"/);
    expect(() => redisTokenBucket({ ...base, key: 'k', commandTimeoutMs: 0 })).toThrow(/"commandTimeoutMs"/);
    const bucket = redisTokenBucket({ ...base, key: key() });
    await expect(bucket.tryAcquire(2)).rejects.toSatisfy(isConfigError);
    await expect(bucket.acquire(0)).rejects.toSatisfy(isConfigError);
  });
});
