import { type Clock, optionChecker, systemClock } from '@sentinel/core';
import { isRedisClientLike, type RedisClientLike } from './client.ts';

/** What the limiter does when Redis cannot answer (down, killed connection, command timeout). */
export type StoreErrorMode = 'fail-open' | 'fail-closed' | 'local';

/** Options of {@link redisTokenBucket}. */
export interface RedisTokenBucketOptions {
  /** An ioredis client (or Cluster) or a node-redis v4/v5 client. The limiter never closes it. */
  readonly redis: RedisClientLike;
  /**
   * The Redis key of this bucket (use a prefix per application, e.g. `'rl:github-api'`).
   * 1 to 512 characters, no whitespace or control characters.
   */
  readonly key: string;
  /** The most tokens the bucket holds. An integer >= 1. */
  readonly capacity: number;
  /** Tokens added per second, shared by every process using `key`. A number > 0. */
  readonly refillPerSecond: number;
  /**
   * When Redis cannot answer: `'fail-open'` grants (protects availability, not the quota),
   * `'fail-closed'` refuses (protects the quota, not availability), `'local'` falls back to an
   * in-process token bucket at `localShare` of the rate (both, approximately).
   * @default 'local'
   */
  readonly onStoreError?: StoreErrorMode | undefined;
  /**
   * Share of `capacity` and `refillPerSecond` the local fallback bucket gets, in (0, 1].
   * Set it to 1 / (number of processes) so the fallback keeps the aggregate near the limit.
   * @default 0.25
   */
  readonly localShare?: number | undefined;
  /**
   * How long a Redis command may take before it counts as a store error. A number > 0.
   * @default 250
   */
  readonly commandTimeoutMs?: number | undefined;
  /**
   * After a store error, calls skip Redis for this long (going straight to `onStoreError`)
   * before one tries Redis again, so an outage does not cost every call a timeout. A number >= 0.
   * @default 1000
   */
  readonly retryStoreAfterMs?: number | undefined;
  /**
   * Where command timeouts, waits and the local fallback read time.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

export interface ResolvedRedisOptions {
  readonly redis: RedisClientLike;
  readonly key: string;
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly onStoreError: StoreErrorMode;
  readonly localShare: number;
  readonly commandTimeoutMs: number;
  readonly retryStoreAfterMs: number;
  readonly clock: Clock;
}

const KEYS = [
  'redis',
  'key',
  'capacity',
  'refillPerSecond',
  'onStoreError',
  'localShare',
  'commandTimeoutMs',
  'retryStoreAfterMs',
  'clock',
] as const;

// Printable, no spaces: keys end up in logs, MONITOR output and redis-cli commands.
const KEY_PATTERN = /^[^\s\p{Cc}]{1,512}$/u;

const check = optionChecker('redisTokenBucket');

export function resolveRedisOptions(options: RedisTokenBucketOptions): ResolvedRedisOptions {
  const opts = check.options(options, KEYS);
  if (!isRedisClientLike(opts.redis)) {
    check.fail('redis', opts.redis, 'an ioredis or node-redis client (with evalsha/evalSha and eval)');
  }
  if (typeof opts.key !== 'string' || !KEY_PATTERN.test(opts.key)) {
    check.fail('key', opts.key, 'a string of 1 to 512 characters without whitespace or control characters');
  }
  const capacity = check.number('capacity', opts.capacity, { integer: true, min: 1 });
  const refillPerSecond = check.number('refillPerSecond', opts.refillPerSecond, { greaterThan: 0 });
  const onStoreError = check.oneOf('onStoreError', opts.onStoreError, ['fail-open', 'fail-closed', 'local'], 'local');
  const localShare = check.number('localShare', opts.localShare, { greaterThan: 0, max: 1 }, 0.25);
  const commandTimeoutMs = check.number('commandTimeoutMs', opts.commandTimeoutMs, { greaterThan: 0 }, 250);
  const retryStoreAfterMs = check.number('retryStoreAfterMs', opts.retryStoreAfterMs, { min: 0 }, 1000);
  const clock = check.clock('clock', opts.clock);
  return {
    redis: opts.redis as RedisClientLike,
    key: opts.key as string,
    capacity,
    refillPerSecond,
    onStoreError,
    localShare,
    commandTimeoutMs,
    retryStoreAfterMs,
    clock,
  };
}
