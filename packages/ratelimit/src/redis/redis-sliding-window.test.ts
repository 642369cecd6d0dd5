import { isConfigError } from '@sentinel/core';
import { createClient } from 'redis';
import { afterAll, expect, it } from 'vitest';
import { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../test/redis.ts';
import { isRateLimitedError } from '../errors.ts';
import { rateLimit } from '../rate-limit/rate-limit.ts';
import { MAX_REDIS_WINDOW_LIMIT, MAX_REDIS_WINDOW_MS } from './options.ts';
import { redisSlidingWindow } from './redis-sliding-window.ts';
import { TICKS_PER_MS } from './script.ts';

describeRedis('redisSlidingWindow on a real Redis', () => {
  const prefix = uniquePrefix('window');
  const redis = connect();
  let n = 0;
  const key = () => `${prefix}${++n}`;
  /** The permit times in the log, in ticks, oldest first. */
  const log = async (k: string) => (await redis.zrange(k, 0, -1)).map(Number);

  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it('grants limit permits, then refuses; status() counts them', async () => {
    const window = redisSlidingWindow({ redis, key: key(), limit: 3, windowMs: 60_000 });
    const results = [];
    for (let i = 0; i < 4; i++) results.push(await window.tryAcquire());
    expect(results).toEqual([true, true, true, false]);
    expect(await window.status()).toEqual({
      key: window.key,
      used: 3,
      remaining: 0,
      limit: 3,
      windowMs: 60_000,
      store: 'up',
      onStoreError: 'local',
    });
    // The next permit is a whole window after the first.
    expect(window.estimateWaitMs()).toBeGreaterThan(59_000);
  });

  it('acquire reserves the earliest times that keep every window within the limit, in arrival order', async () => {
    const k = key();
    const windowMs = 150;
    const window = redisSlidingWindow({ redis, key: k, limit: 2, windowMs });
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3, 4].map((i) => window.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    const times = await log(k);
    expect(times).toHaveLength(5);
    const windowTicks = windowMs * TICKS_PER_MS;
    // Every permit is at least a window after the one `limit` places before it: no window of
    // 150 ms (on Redis's clock) holds more than 2.
    for (let i = 2; i < times.length; i++) {
      expect((times[i] as number) - (times[i - 2] as number)).toBeGreaterThanOrEqual(windowTicks);
    }
    for (let i = 1; i < times.length; i++) expect(times[i] as number).toBeGreaterThan(times[i - 1] as number);
  });

  it('refuses a wait beyond maxWaitMs without reserving, and says how long', async () => {
    const k = key();
    const window = redisSlidingWindow({ redis, key: k, limit: 1, windowMs: 60_000 });
    await window.acquire();
    const error = await window.acquire(1, { maxWaitMs: 1_000 }).catch((e: unknown) => e);
    expect(isRateLimitedError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'max-wait' });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(59_000);
    expect(await log(k)).toHaveLength(1);
  });

  it('an abort gives the reservation back, whether it comes while waiting or before the reply', async () => {
    const k = key();
    const window = redisSlidingWindow({ redis, key: k, limit: 1, windowMs: 60_000 });
    await window.acquire();
    // Reserved a window ahead, then aborted while sleeping.
    const waiting = new AbortController();
    const reserved = window.acquire(1, { signal: waiting.signal });
    for (let i = 0; i < 100 && (await log(k)).length < 2; i++) await redis.ping();
    expect(await log(k)).toHaveLength(2);
    const reason = new Error('caller left');
    waiting.abort(reason);
    await expect(reserved).rejects.toBe(reason);
    // Aborted before the reply came: the late grant is given back too.
    const early = new AbortController();
    const inFlight = window.acquire(1, { signal: early.signal });
    early.abort(reason);
    await expect(inFlight).rejects.toBe(reason);
    for (let i = 0; i < 100 && (await log(k)).length > 1; i++) await redis.ping();
    expect(await log(k)).toHaveLength(1);
    expect((await window.status()).used).toBe(1);
    // An already-aborted signal never reaches Redis.
    await expect(window.acquire(1, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it('takes n at once (n = limit on an empty window), never part of it', async () => {
    const k = key();
    const window = redisSlidingWindow({ redis, key: k, limit: 5, windowMs: 60_000 });
    expect(await window.tryAcquire(5)).toBe(true);
    expect(await window.tryAcquire(1)).toBe(false);
    const other = redisSlidingWindow({ redis, key: key(), limit: 5, windowMs: 60_000 });
    expect(await other.tryAcquire(3)).toBe(true);
    expect(await other.tryAcquire(3)).toBe(false);
    expect((await other.status()).used).toBe(3);
    await expect(window.tryAcquire(6)).rejects.toSatisfy(isConfigError);
    await expect(window.tryAcquire(0)).rejects.toSatisfy(isConfigError);
  });

  it('the key expires a window after its newest permit', async () => {
    const k = key();
    const window = redisSlidingWindow({ redis, key: k, limit: 10, windowMs: 5_000 });
    await window.tryAcquire();
    const ttl = await redis.pttl(k);
    expect(ttl).toBeGreaterThan(4_900);
    expect(ttl).toBeLessThanOrEqual(5_001);
    // A status read on an untouched key writes nothing.
    const idle = redisSlidingWindow({ redis, key: key(), limit: 1, windowMs: 1_000 });
    expect((await idle.status()).used).toBe(0);
    expect(await redis.exists(idle.key)).toBe(0);
  });

  it('limit 1 is exact too, and the window frees permits as Redis time passes', async () => {
    const k = key();
    const window = redisSlidingWindow({ redis, key: k, limit: 1, windowMs: 30 });
    expect(await window.tryAcquire()).toBe(true);
    expect(await window.tryAcquire()).toBe(false);
    // Waits for its slot (Redis decides when), then the log holds both, a window apart.
    await window.acquire();
    const [first, second] = await log(k);
    expect((second as number) - (first as number)).toBeGreaterThanOrEqual(30 * TICKS_PER_MS);
  });

  it('a key holding another type is a store error: onStoreError applies and onStoreDown says why', async () => {
    const k = key();
    await redis.set(k, 'not a sorted set');
    const window = redisSlidingWindow({ redis, key: k, limit: 5, windowMs: 1_000, onStoreError: 'fail-closed' });
    const errors: unknown[] = [];
    window.onStoreDown(({ error }) => errors.push(error));
    expect(await window.tryAcquire()).toBe(false);
    expect(String(errors[0])).toMatch(/WRONGTYPE/);
    await expect(window.acquire()).rejects.toMatchObject({ reason: 'store-unavailable' });
    expect((await window.status()).store).toBe('down');
  });

  it('works with node-redis, and with rateLimit() like any limiter', async () => {
    const client = createClient({ url: REDIS_URL });
    client.on('error', () => {});
    await client.connect();
    try {
      const k = key();
      const window = redisSlidingWindow({ redis: client, key: k, limit: 2, windowMs: 60_000 });
      const other = redisSlidingWindow({ redis, key: k, limit: 2, windowMs: 60_000 });
      expect(await window.tryAcquire()).toBe(true);
      const policy = rateLimit({ limiter: other, mode: 'reject' });
      expect(await policy.execute(() => 'second')).toBe('second');
      await expect(policy.execute(() => 'third')).rejects.toMatchObject({ reason: 'empty' });
      expect(await window.tryAcquire()).toBe(false);
    } finally {
      await client.quit();
    }
  });

  it('refuses bad options, naming them', () => {
    const base = { redis, key: 'k', limit: 1, windowMs: 1_000 };
    expect(() => redisSlidingWindow({ ...base, limit: 0 })).toThrow(/redisSlidingWindow: "limit" must be an integer/);
    expect(() => redisSlidingWindow({ ...base, limit: 1.5 })).toThrow(/"limit"/);
    expect(() => redisSlidingWindow({ ...base, limit: MAX_REDIS_WINDOW_LIMIT + 1 })).toThrow(/"limit"/);
    expect(() => redisSlidingWindow({ ...base, limit: MAX_REDIS_WINDOW_LIMIT })).not.toThrow();
    expect(() => redisSlidingWindow({ ...base, windowMs: 0 })).toThrow(/"windowMs"/);
    expect(() => redisSlidingWindow({ ...base, windowMs: MAX_REDIS_WINDOW_MS + 1 })).toThrow(/"windowMs"/);
    expect(() => redisSlidingWindow({ ...base, windowMs: MAX_REDIS_WINDOW_MS })).not.toThrow();
    expect(() => redisSlidingWindow({ ...base, windowMs: Number.POSITIVE_INFINITY })).toThrow(/"windowMs"/);
    expect(() => redisSlidingWindow({ ...base, key: 'a b' })).toThrow(/"key"/);
    expect(() => redisSlidingWindow({ ...base, redis: { eval: () => 1 } as never })).toThrow(/"redis"/);
    expect(() => redisSlidingWindow({ ...base, onStoreError: 'open' as never })).toThrow(/"onStoreError"/);
    expect(() => redisSlidingWindow({ ...base, capacity: 1 } as never)).toThrow(/capacity/);
    // A limit whose toString lies is still not a number.
    const liar = { toString: () => '5', valueOf: () => 5 };
    expect(() => redisSlidingWindow({ ...base, limit: liar as never })).toThrow(/"limit"/);
  });
});
