// Shared by the Redis tests: a real server at REDIS_URL, never a mock.
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { describe, it } from 'vitest';
import type { IORedisLike } from '../src/redis/client.ts';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A fresh ioredis client that fails fast instead of retrying forever. */
export function connect(options: RedisOptions = {}): Redis {
  const client = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, connectTimeout: 1_000, ...options });
  // A killed connection emits 'error'; the tests observe it through the limiter instead.
  client.on('error', () => {});
  return client;
}

async function probe(): Promise<string | undefined> {
  const client = connect({ lazyConnect: true, retryStrategy: () => null });
  try {
    await client.connect();
    await client.ping();
    return undefined;
  } catch (error) {
    return `Redis at ${REDIS_URL} is unreachable: ${(error as Error).message}`;
  } finally {
    client.disconnect();
  }
}

const unreachable = await probe();

/**
 * `describe` for tests needing Redis. Unreachable Redis: skipped with a printed reason, except
 * under CI=true, where a failing test says why (CI must not go green without running them).
 */
export function describeRedis(name: string, body: () => void): void {
  if (unreachable === undefined) {
    describe(name, body);
  } else if (process.env.CI === 'true') {
    describe(name, () => {
      it('needs Redis (CI=true)', () => {
        throw new Error(unreachable);
      });
    });
  } else {
    console.warn(`[skip] ${name}: ${unreachable} (set REDIS_URL; under CI=true this fails)`);
    // The body is not even collected: it would open clients that retry forever.
    describe.skip(name, () => {
      it(`needs Redis: ${unreachable}`, () => {});
    });
  }
}

/** A key prefix unique to this test run, so runs never collide. */
export function uniquePrefix(label: string): string {
  return `sentinel-test:${label}:${process.pid}:${randomUUID()}:`;
}

/** Deletes every key under `prefix` (SCAN, bounded). */
export async function cleanup(client: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  for (let rounds = 0; rounds < 10_000; rounds++) {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    if (keys.length > 0) await client.del(...keys);
    cursor = next;
    if (cursor === '0') return;
  }
}

/** The real client behind a counter of script runs (EVALSHA and EVAL): what a batch costs. */
export function countingClient(client: Redis): { readonly client: IORedisLike; runs(): number } {
  let runs = 0;
  return {
    client: {
      evalsha: (sha, numKeys, ...args) => {
        runs++;
        return client.evalsha(sha, numKeys, ...args);
      },
      eval: (script, numKeys, ...args) => {
        runs++;
        return client.eval(script, numKeys, ...args);
      },
    },
    runs: () => runs,
  };
}
