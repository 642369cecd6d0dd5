import { randomUUID } from 'node:crypto';
import { concurrency, rateLimit, sharedTokenBucket, slidingWindow, tokenBucket } from '@sentinel/ratelimit';
import { redisTokenBucket } from '@sentinel/ratelimit/redis';
import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { RateLimiter, TokenBucket } from 'limiter';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Reporter } from '../harness.ts';

// "Tokens available": buckets so large and so fast to refill that no case ever runs dry.
const HUGE = 1e12;
const work = async () => 1;

export default async function ratelimitSuite(report: Reporter): Promise<void> {
  const ours = tokenBucket({ capacity: HUGE, refillPerSecond: HUGE });
  const eager = tokenBucket({ capacity: HUGE, refillPerSecond: HUGE, lazyRefill: false });
  const peerLimiter = new RateLimiter({ tokensPerInterval: HUGE, interval: 'second' });
  const peerFlexible = new RateLimiterMemory({ points: HUGE, duration: 1 });
  const peerBottleneck = new Bottleneck({ maxConcurrent: null, minTime: 0 });
  const shared = sharedTokenBucket({ capacity: 2 ** 31 - 1, refillPerSecond: 1e9 });
  const window = slidingWindow({ limit: 10_000_000, windowMs: 1 });
  const policy = rateLimit({ limiter: tokenBucket({ capacity: HUGE, refillPerSecond: HUGE }) });
  const bulkhead = concurrency({ max: 1_000_000 });

  await report.compare(
    'tryAcquire with tokens available (goal: tokenBucket <= 50 ns)',
    { name: 'limiter 4.x RateLimiter#tryRemoveTokens(1)', fn: () => peerLimiter.tryRemoveTokens(1) },
    [
      { name: 'tokenBucket#tryAcquire()', fn: () => ours.tryAcquire() },
      { name: 'tokenBucket({ lazyRefill: false })#tryAcquire() (reads the clock)', fn: () => eager.tryAcquire() },
      { name: 'sharedTokenBucket#tryAcquire() (Atomics CAS, reads the clock)', fn: () => shared.tryAcquire() },
      { name: 'slidingWindow#tryAcquire() (exact log, reads the clock)', fn: () => window.tryAcquire() },
      { name: 'rate-limiter-flexible RateLimiterMemory#consume (async)', fn: () => peerFlexible.consume('k') },
      { name: 'bottleneck#schedule (async, yields to timers)', fn: () => peerBottleneck.schedule(work) },
    ],
  );

  await report.compare('as a Policy around one async call', { name: 'await fn()', fn: () => work() }, [
    { name: 'rateLimit({ limiter: tokenBucket }).execute', fn: () => policy.execute(work) },
    { name: 'concurrency({ max }).execute', fn: () => bulkhead.execute(work) },
  ]);

  report.heap('one limiter per key', [
    { name: 'tokenBucket (goal <= 250 B)', create: () => tokenBucket({ capacity: 10, refillPerSecond: 5 }) },
    {
      name: 'limiter 4.x TokenBucket',
      create: () => new TokenBucket({ bucketSize: 10, tokensPerInterval: 5, interval: 'second' }),
    },
    { name: 'limiter 4.x RateLimiter', create: () => new RateLimiter({ tokensPerInterval: 10, interval: 'second' }) },
    { name: 'concurrency({ max: 10 })', create: () => concurrency({ max: 10 }) },
    { name: 'slidingWindow (before its first grant)', create: () => slidingWindow({ limit: 10, windowMs: 1000 }) },
  ]);

  await redisThroughput(report);
}

/** The same Redis, 64 calls in flight per iteration: a lower median means a higher throughput. */
async function redisThroughput(report: Reporter): Promise<void> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true, enableAutoPipelining: false });
  try {
    await redis.connect();
  } catch (error) {
    console.log(`\n(skipped the Redis comparison: ${url} unreachable: ${(error as Error).message})`);
    redis.disconnect();
    return;
  }
  const prefix = `sentinel-bench:${randomUUID()}:`;
  const flexible = new RateLimiterRedis({ storeClient: redis, points: HUGE, duration: 1, keyPrefix: `${prefix}rlf` });
  const bucket = redisTokenBucket({ redis, key: `${prefix}ours`, capacity: HUGE, refillPerSecond: HUGE });
  const batch = (call: () => Promise<unknown>) => () => Promise.all(Array.from({ length: 64 }, call));
  await bucket.tryAcquire();
  try {
    // Interleaved rounds: a round trip is tens of µs and Redis shares the machine, so single
    // timings swing too much to compare (p99s of 25 ms seen).
    await report.interleaved(
      'Redis limiter, 64 concurrent calls per iteration (throughput = 1 / wall ratio; goal >= 1.0x)',
      { name: 'rate-limiter-flexible RateLimiterRedis#consume', fn: batch(() => flexible.consume('k')) },
      [
        { name: 'redisTokenBucket#tryAcquire()', fn: batch(() => bucket.tryAcquire()) },
        { name: 'redisTokenBucket#acquire()', fn: batch(() => bucket.acquire()) },
      ],
      { rounds: 9, iterations: 100, warmup: 30 },
    );
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  }
}
