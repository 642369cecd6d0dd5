import { fileURLToPath } from 'node:url';
import { systemClock } from '@sentinel/core';
import { afterAll, expect, it } from 'vitest';
import { spawnChild } from '../../test/child-process.ts';
import { cleanup, connect, describeRedis, REDIS_URL, uniquePrefix } from '../../test/redis.ts';
import { epochClock } from '../shared/epoch-clock.ts';
import type { StoreErrorMode } from './options.ts';
import { redisSlidingWindow } from './redis-sliding-window.ts';
import { redisTokenBucket } from './redis-token-bucket.ts';
import { TICKS_PER_MS } from './script.ts';

const child = fileURLToPath(new URL('../../test/fixtures/fairness-child.ts', import.meta.url));

interface ChildResult {
  readonly granted: number;
  readonly errors: number;
}

const sleep = (ms: number) => systemClock.sleep(ms);

describeRedis('redisTokenBucket across processes and failures', () => {
  const prefix = uniquePrefix('distributed');
  const admin = connect();

  afterAll(async () => {
    await cleanup(admin, prefix);
    admin.disconnect();
  });

  it('4 child processes sharing 200 requests/s for 5 s: aggregate within ±5 %, each >= 15 %', {
    timeout: 30_000,
  }, async () => {
    const rate = 200;
    const capacity = 1;
    const durationMs = 5_000;
    // Real time on Redis's clock. The children boot tsx and connect first; then all start together.
    const env = {
      REDIS_URL,
      KEY: `${prefix}fair`,
      RATE: String(rate),
      CAPACITY: String(capacity),
      DURATION_MS: String(durationMs),
    };
    const children = [1, 2, 3, 4].map(() => spawnChild(child, env));
    await Promise.all(children.map((c) => c.ready));
    const startAt = epochClock.now() + 200;
    const results = await Promise.all(children.map((c) => c.finish<ChildResult>(String(startAt))));
    const total = results.reduce((sum, r) => sum + r.granted, 0);
    const limit = capacity + (rate * durationMs) / 1000;
    expect(results.every((r) => r.errors === 0)).toBe(true);
    expect(total).toBeGreaterThanOrEqual(limit * 0.95);
    expect(total).toBeLessThanOrEqual(limit * 1.05);
    for (const r of results) expect(r.granted / total).toBeGreaterThanOrEqual(0.15);
  });

  it('4 child processes sharing 40 per 250 ms in an exact sliding window for 2 s: no window of Redis time ever holds more', {
    timeout: 30_000,
  }, async () => {
    const limit = 40;
    const windowMs = 250;
    const durationMs = 2_000;
    const key = `${prefix}window`;
    const env = {
      REDIS_URL,
      KEY: key,
      KIND: 'window',
      LIMIT: String(limit),
      WINDOW_MS: String(windowMs),
      DURATION_MS: String(durationMs),
    };
    const children = [1, 2, 3, 4].map(() => spawnChild(child, env));
    await Promise.all(children.map((c) => c.ready));
    const startAt = epochClock.now() + 200;
    const running = Promise.all(children.map((c) => c.finish<ChildResult>(String(startAt))));
    // Every permit stays in the log for a whole window: reading it more often than that sees each
    // one. Bounded by count and by the children's end.
    const seen = new Set<string>();
    let done = false;
    void running.finally(() => {
      done = true;
    });
    for (let i = 0; i < 1_000 && !done; i++) {
      for (const member of await admin.zrange(key, 0, -1)) seen.add(member);
      await sleep(windowMs / 5);
    }
    const results = await running;
    for (const member of await admin.zrange(key, 0, -1)) seen.add(member);
    const total = results.reduce((sum, r) => sum + r.granted, 0);
    expect(results.every((r) => r.errors === 0)).toBe(true);
    // Nothing lost, nothing invented: the log holds exactly the permits the children got.
    expect(seen.size).toBe(total);
    // Exact: for every permit, the permits in the window ending at it (itself included) <= limit.
    const times = [...seen].map(Number).sort((a, b) => a - b);
    const windowTicks = windowMs * TICKS_PER_MS;
    let from = 0;
    let busiest = 0;
    for (let to = 0; to < times.length; to++) {
      while ((times[from] as number) <= (times[to] as number) - windowTicks) from++;
      busiest = Math.max(busiest, to - from + 1);
    }
    expect(busiest).toBe(limit);
    // Saturated: limit at the start and again each window, up to the end.
    const most = limit * (Math.floor(durationMs / windowMs) + 1);
    expect(total).toBeLessThanOrEqual(most);
    expect(total).toBeGreaterThanOrEqual(most - limit);
  });

  it.each<[string, StoreErrorMode, boolean[], string]>([
    ['redisTokenBucket', 'fail-closed', [false, false, false, false], 'store-unavailable'],
    ['redisTokenBucket', 'fail-open', [true, true, true, true], 'granted'],
    // The local fallback: capacity 8 x localShare 0.25 = 2 local tokens, then nothing.
    ['redisTokenBucket', 'local', [true, true, false, false], 'max-wait'],
    ['redisSlidingWindow', 'fail-closed', [false, false, false, false], 'store-unavailable'],
    ['redisSlidingWindow', 'fail-open', [true, true, true, true], 'granted'],
    // The local fallback: limit 8 x localShare 0.25 = 2 local permits per window, then nothing.
    ['redisSlidingWindow', 'local', [true, true, false, false], 'max-wait'],
  ])(
    '%s: CLIENT KILL mid-run with %s: the mode is honoured while down, and Redis is used again after reconnect',
    { timeout: 20_000 },
    async (kind, mode, whileDown, acquireWhileDown) => {
      const client = connect({
        enableOfflineQueue: false,
        autoResendUnfulfilledCommands: false,
        retryStrategy: () => 100,
        lazyConnect: true,
      });
      await client.connect();
      const common = {
        redis: client,
        key: `${prefix}kill-${kind}-${mode}`,
        onStoreError: mode,
        localShare: 0.25,
        retryStoreAfterMs: 1_000,
      };
      const bucket =
        kind === 'redisTokenBucket'
          ? redisTokenBucket({ ...common, capacity: 8, refillPerSecond: 0.001 })
          : redisSlidingWindow({ ...common, limit: 8, windowMs: 600_000 });
      const events: string[] = [];
      bucket.onStoreDown(({ onStoreError }) => events.push(`down:${onStoreError}`));
      bucket.onStoreUp(() => events.push('up'));

      expect(await bucket.tryAcquire()).toBe(true);
      const id = await client.client('ID');
      await admin.client('KILL', 'ID', String(id));
      // Traffic continues; the first call that cannot reach Redis marks the store down.
      const answers: boolean[] = [];
      for (let i = 0; i < 200 && events.length === 0; i++) {
        const granted = await bucket.tryAcquire();
        if (events.length > 0) answers.push(granted);
        else await sleep(5);
      }
      expect(events).toEqual([`down:${mode}`]);
      // For retryStoreAfterMs, calls skip Redis and follow the mode.
      for (let i = 0; i < 3; i++) answers.push(await bucket.tryAcquire());
      expect(answers).toEqual(whileDown);
      const acquired = await bucket.acquire(1, { maxWaitMs: 10 }).then(
        () => 'granted',
        (error: { reason?: string }) => error.reason,
      );
      expect(acquired).toBe(acquireWhileDown);

      // Recovery: ioredis reconnects (100 ms); after retryStoreAfterMs the next call probes Redis.
      for (let i = 0; i < 300 && !events.includes('up'); i++) {
        await sleep(20);
        await bucket.tryAcquire();
      }
      expect(events).toEqual([`down:${mode}`, 'up']);
      const status = await bucket.status();
      expect(status.store).toBe('up');
      // The Redis state survived the outage: the first grant and the probe came out of 8.
      if ('tokens' in status) expect(status.tokens).toBeLessThanOrEqual(6.01);
      else expect(status.used).toBeGreaterThanOrEqual(2);
      client.disconnect();
    },
  );
});
