import { readFileSync } from 'node:fs';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanup, connect, describeRedis, uniquePrefix } from '../test/redis.ts';
import { createSearchLimit } from './adaptive.ts';
import { createApiClient, retryAfterMs } from './api-client.ts';
import { partnerApi } from './bulkhead-and-window.ts';
import { createPerHostLimiter } from './per-host.ts';
import { paymentsLimit } from './redis.ts';
import { partnerQuota } from './redis-window.ts';
import { startWorkers } from './shared-across-workers.ts';

const FILES = [
  'api-client.ts',
  'per-host.ts',
  'bulkhead-and-window.ts',
  'adaptive.ts',
  'shared-across-workers.ts',
  'redis.ts',
  'redis-window.ts',
];

describe('README examples', () => {
  it('api-client.ts: a 429 with Retry-After pauses the bucket', async () => {
    const clock = new ManualClock();
    let status = 429;
    const client = createApiClient(async () => new Response(null, { status, headers: { 'retry-after': '2' } }), clock);
    expect((await client.get()).status).toBe(429);
    expect(client.bucket.status().pausedUntil).toBe(2_000);
    status = 200;
    const next = client.get();
    await clock.advance(2_100);
    expect((await next).status).toBe(200);
  });

  it('api-client.ts: Retry-After as seconds, as an HTTP date, absent or unreadable is never NaN', async () => {
    const now = Date.UTC(2026, 11, 7, 12, 0, 0);
    expect(retryAfterMs('2', now)).toBe(2_000);
    expect(retryAfterMs(new Date(now + 3_000).toUTCString(), now)).toBe(3_000);
    expect(retryAfterMs(new Date(now - 3_000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs(null, now)).toBe(1_000);
    expect(retryAfterMs('soon', now)).toBe(1_000);
    const clock = new ManualClock();
    const client = createApiClient(
      async () => new Response(null, { status: 429, headers: { 'retry-after': new Date(now + 60_000).toUTCString() } }),
      clock,
      () => now,
    );
    await client.get();
    expect(client.bucket.status().pausedUntil).toBe(60_000);
  });

  it('per-host.ts: hosts are limited independently', async () => {
    const clock = new ManualClock();
    const { beforeRequest } = createPerHostLimiter(clock);
    const done: string[] = [];
    const urls = ['https://a.test/1', 'https://a.test/2', 'https://a.test/3', 'https://b.test/1'];
    const all = urls.map((url) => beforeRequest(url).then(() => done.push(url)));
    await flushMicrotasks();
    expect(done).toEqual(['https://a.test/1', 'https://a.test/2', 'https://b.test/1']);
    await clock.advance(500);
    await Promise.all(all);
    expect(done).toHaveLength(4);
  });

  it('adaptive.ts: ten 503s at once cut the limit once, by 10 %; the queue is bounded', async () => {
    const lines: string[] = [];
    const limit = createSearchLimit((line) => lines.push(line));
    const overloaded = () => Promise.reject(Object.assign(new Error('HTTP 503'), { status: 503 }));
    await Promise.all(Array.from({ length: 10 }, () => limit.execute(overloaded).catch(() => {})));
    expect(lines).toEqual(['search concurrency 10 → 9 (overload)']);
    expect(limit.status()).toMatchObject({ limit: 9, maxQueue: 200, overloads: 10, inFlight: 0 });
  });

  it('bulkhead-and-window.ts: runs calls under both limits', async () => {
    expect(await partnerApi.execute(async () => 'ok')).toBe('ok');
  });

  it('shared-across-workers.ts: workers attach to the same bucket', async () => {
    const script = new URL('data:text/javascript,');
    const { bucket, workers } = startWorkers(script, 2);
    expect(bucket.buffer).toBeInstanceOf(SharedArrayBuffer);
    await Promise.all(workers.map((worker) => worker.terminate()));
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of FILES) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(
        `<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``,
      );
    }
  });
});

describeRedis('README example redis.ts', () => {
  const redis = connect();
  const prefix = uniquePrefix('example');
  afterAll(async () => {
    await cleanup(redis, prefix);
    redis.disconnect();
  });

  it('limits through Redis and refuses beyond maxWaitMs', async () => {
    const policy = paymentsLimit(redis, 4, `${prefix}payments`);
    const results = await Promise.all(Array.from({ length: 20 }, () => policy.execute(() => 'paid')));
    expect(results.every((r) => r === 'paid')).toBe(true);
    // The burst (20) is spent; the next call would wait ~5 ms, well within maxWaitMs.
    expect(await policy.execute(() => 'later')).toBe('later');
    expect(await redis.pttl(`${prefix}payments`)).toBeGreaterThan(0);
  });

  it('redis-window.ts: the fleet-wide hourly quota refuses the call over it, saying when to retry', async () => {
    const { window, policy } = partnerQuota(redis, `${prefix}partner`);
    const granted = await Promise.all(Array.from({ length: 5_000 }, () => window.tryAcquire()));
    expect(granted.every(Boolean)).toBe(true);
    const refused = await policy.execute(() => 'one too many').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'SENTINEL_RATE_LIMITED', reason: 'empty' });
    // The oldest of the 5,000 leaves the window in about an hour.
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(3_590_000);
    expect((await window.status()).used).toBe(5_000);
  });
});
