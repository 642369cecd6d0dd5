import { randomUUID } from 'node:crypto';
import { concurrency, rateLimit, sharedTokenBucket, slidingWindow, tokenBucket } from '@sentinel/ratelimit';
import { redisSlidingWindow, redisTokenBucket } from '@sentinel/ratelimit/redis';
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

/**
 * The same Redis for every case. Three shapes of load, each in interleaved rounds (a round trip is
 * tens of µs and Redis shares the machine, so single timings swing too much to compare; p99s of
 * 25 ms seen):
 * - 64 calls started together (a `Promise.all` per iteration);
 * - 64 workers, each awaiting its call before the next (calls resume from one socket read);
 * - one call at a time (latency; every script run decides one request).
 * Then Redis's own cost per decision, from `INFO commandstats` (EVALSHA µs over decisions).
 */
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
  // Never runs dry in a bench run, and every grant moves the TAT, so every decision writes the
  // key (as rate-limiter-flexible's INCRBY does). With HUGE the TAT would not move at all.
  const bucket = redisTokenBucket({ redis, key: `${prefix}ours`, capacity: 1e9, refillPerSecond: 1e6 });
  // Never full: each permit leaves the log after 1 ms.
  const window = redisSlidingWindow({ redis, key: `${prefix}window`, limit: 1_000_000, windowMs: 1 });
  const batch = (call: () => Promise<unknown>) => () => Promise.all(Array.from({ length: 64 }, call));
  const peer = { name: 'rate-limiter-flexible RateLimiterRedis#consume', fn: () => flexible.consume('k') };
  const ours = [
    { name: 'redisTokenBucket#tryAcquire()', fn: () => bucket.tryAcquire() },
    { name: 'redisTokenBucket#acquire()', fn: () => bucket.acquire() },
    { name: 'redisSlidingWindow#tryAcquire() (exact log)', fn: () => window.tryAcquire() },
  ];
  await bucket.tryAcquire();
  await window.tryAcquire();
  try {
    await report.interleaved(
      'Redis limiter, 64 calls started together per iteration (throughput = 1 / wall ratio; goal >= 1.1x)',
      { name: peer.name, fn: batch(peer.fn) },
      ours.map((c) => ({ name: c.name, fn: batch(c.fn) })),
      { rounds: 9, iterations: 100, warmup: 30 },
    );
    await report.interleaved('Redis limiter, 64 workers each awaiting its call (per call)', peer, ours, {
      rounds: 9,
      iterations: 3_000,
      warmup: 1_000,
      concurrency: 64,
    });
    await report.interleaved('Redis limiter, one call at a time (latency: one decision per script run)', peer, ours, {
      rounds: 7,
      iterations: 300,
      warmup: 100,
    });
    await redisCost(redis, [peer, ...ours]);
  } finally {
    // SCAN, not KEYS: the Redis is shared.
    let cursor = '0';
    for (let rounds = 0; rounds < 10_000; rounds++) {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === '0') break;
    }
    redis.disconnect();
  }
}

interface EvalStats {
  readonly calls: number;
  readonly usec: number;
}

async function evalStats(redis: Redis): Promise<EvalStats> {
  const info = await redis.info('commandstats');
  const line = info.split('\n').find((l) => l.startsWith('cmdstat_evalsha:')) ?? '';
  return { calls: Number(/calls=(\d+)/.exec(line)?.[1] ?? 0), usec: Number(/usec=(\d+)/.exec(line)?.[1] ?? 0) };
}

/**
 * Redis's own time per decision (EVALSHA µs from `INFO commandstats`, as deltas: never a
 * CONFIG RESETSTAT on a shared server), for single decisions (one call at a time: the script's
 * cost per run) and for 64 calls started together (our runs then decide a batch each). Another
 * client's scripts running meanwhile would be counted too: quiet machine only.
 */
async function redisCost(redis: Redis, cases: readonly { name: string; fn: () => Promise<unknown> }[]): Promise<void> {
  const rows: string[][] = [];
  for (const item of cases) {
    const cells = [item.name];
    for (const together of [1, 64]) {
      const decisions = 20_000;
      const before = await evalStats(redis);
      for (let i = 0; i < decisions / together; i++) {
        if (together === 1) await item.fn();
        else await Promise.all(Array.from({ length: together }, item.fn));
      }
      const after = await evalStats(redis);
      const runs = after.calls - before.calls;
      cells.push(`${((after.usec - before.usec) / decisions).toFixed(2)} µs`, `${(decisions / runs).toFixed(1)}`);
    }
    rows.push(cells);
  }
  console.log('\n### Redis-side cost per decision (INFO commandstats, EVALSHA µs / decisions)\n');
  console.log(
    '| case | one at a time: Redis µs per decision | decisions per script run | 64 together: Redis µs per decision | decisions per script run |',
  );
  console.log('|:--|--:|--:|--:|--:|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}
