import { afterAll, expect, it } from 'vitest';
import { cleanup, connect, countingClient, describeRedis, uniquePrefix } from '../../test/redis.ts';
import { redisSlidingWindow } from './redis-sliding-window.ts';
import { redisTokenBucket } from './redis-token-bucket.ts';
import { MAX_BATCH } from './store.ts';

const times = <T>(n: number, value: T): T[] => Array.from({ length: n }, () => value);

describeRedis('Redis limiters coalesce the calls of one tick into one script run', () => {
  const prefix = uniquePrefix('coalescing');
  const redis = connect();
  let n = 0;
  const key = () => `${prefix}${++n}`;

  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it.each([
    [
      'redisTokenBucket',
      (client: never) => redisTokenBucket({ redis: client, key: key(), capacity: 10, refillPerSecond: 0.001 }),
    ],
    [
      'redisSlidingWindow',
      (client: never) => redisSlidingWindow({ redis: client, key: key(), limit: 10, windowMs: 60_000 }),
    ],
  ])('%s: 64 calls in one tick are one script run, decided in arrival order', async (_name, create) => {
    // Loads the script (EVALSHA, NOSCRIPT, EVAL) outside the count.
    await create(redis as never).status();
    const counted = countingClient(redis);
    const limiter = create(counted.client as never);
    const results = await Promise.all(Array.from({ length: 64 }, () => limiter.tryAcquire()));
    expect(results).toEqual([...times(10, true), ...times(54, false)]);
    expect(counted.runs()).toBe(1);
    // The next tick is a new run.
    expect(await limiter.tryAcquire()).toBe(false);
    expect(counted.runs()).toBe(2);
  });

  it.each([
    [
      'redisTokenBucket',
      (client: never, limit: number) =>
        redisTokenBucket({ redis: client, key: key(), capacity: limit, refillPerSecond: 0.001 }),
    ],
    [
      'redisSlidingWindow',
      (client: never, limit: number) => redisSlidingWindow({ redis: client, key: key(), limit, windowMs: 60_000 }),
    ],
  ])(
    '%s: a batch of exactly MAX_BATCH is one run, one more makes two; every call is decided once',
    async (_name, create) => {
      const counted = countingClient(redis);
      const limit = MAX_BATCH + 1;
      const limiter = create(counted.client as never, limit);
      const first = await Promise.all(Array.from({ length: MAX_BATCH }, () => limiter.tryAcquire()));
      expect(first).toEqual(times(MAX_BATCH, true));
      expect(counted.runs()).toBe(1);
      const second = await Promise.all(Array.from({ length: MAX_BATCH + 1 }, () => limiter.tryAcquire()));
      expect(second).toEqual([true, ...times(MAX_BATCH, false)]);
      expect(counted.runs()).toBe(3);
    },
  );

  it('mixed requests in one run: a refused large one does not block a smaller one behind it', async () => {
    const counted = countingClient(redis);
    const bucket = redisTokenBucket({ redis: counted.client, key: key(), capacity: 5, refillPerSecond: 0.001 });
    expect(await bucket.tryAcquire(3)).toBe(true);
    const [five, two, one] = await Promise.all([bucket.tryAcquire(5), bucket.tryAcquire(2), bucket.tryAcquire(1)]);
    expect([five, two, one]).toEqual([false, true, false]);
    expect(counted.runs()).toBe(2);
    const status = await bucket.status();
    expect(status.tokens).toBeLessThan(0.01);
  });

  it('acquire and tryAcquire share a run; a status() in the same tick sees the earlier grants', async () => {
    const counted = countingClient(redis);
    const window = redisSlidingWindow({ redis: counted.client, key: key(), limit: 3, windowMs: 60_000 });
    const [a, b, status, c] = await Promise.all([
      window.tryAcquire(2),
      window.acquire(1, { maxWaitMs: 0 }).then(() => 'granted'),
      window.status(),
      window.tryAcquire(),
    ]);
    expect([a, b, c]).toEqual([true, 'granted', false]);
    expect(status).toMatchObject({ used: 3, remaining: 0, store: 'up' });
    expect(counted.runs()).toBe(1);
  });
});
