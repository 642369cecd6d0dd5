import { type Clock, type OptionChecker, optionChecker } from '@sentinel/core';
import { isRedisClientLike, type RedisClientLike } from './client.ts';

/** What the limiter does when Redis cannot answer (down, killed connection, command timeout). */
export type StoreErrorMode = 'fail-open' | 'fail-closed' | 'local';

/** Options every Redis limiter takes: the store, and what to do when it cannot answer. */
export interface RedisStoreOptions {
  /** An ioredis client (or Cluster) or a node-redis v4/v5 client. The limiter never closes it. */
  readonly redis: RedisClientLike;
  /**
   * The Redis key of this limiter (use a prefix per application, e.g. `'rl:github-api'`).
   * 1 to 512 characters, no whitespace or control characters.
   */
  readonly key: string;
  /**
   * When Redis cannot answer: `'fail-open'` grants (protects availability, not the quota),
   * `'fail-closed'` refuses (protects the quota, not availability), `'local'` falls back to an
   * in-process limiter at `localShare` of the limit (both, approximately).
   * @default 'local'
   */
  readonly onStoreError?: StoreErrorMode | undefined;
  /**
   * Share of the limit the local fallback gets, in (0, 1]. Set it to 1 / (number of processes)
   * so the fallback keeps the aggregate near the limit.
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

/** Options of {@link redisTokenBucket}. */
export interface RedisTokenBucketOptions extends RedisStoreOptions {
  /** The most tokens the bucket holds. An integer >= 1. */
  readonly capacity: number;
  /** Tokens added per second, shared by every process using `key`. A number > 0. */
  readonly refillPerSecond: number;
}

/** The largest `limit` of {@link redisSlidingWindow}: the log keeps one sorted-set member per permit. */
export const MAX_REDIS_WINDOW_LIMIT = 1_000_000;
/** The longest `windowMs` of {@link redisSlidingWindow}: 366 days. */
export const MAX_REDIS_WINDOW_MS = 366 * 24 * 3_600_000;

/** Options of {@link redisSlidingWindow}. */
export interface RedisSlidingWindowOptions extends RedisStoreOptions {
  /**
   * Permits granted in any window of `windowMs`, across every process using `key`. An integer
   * between 1 and 1,000,000 (Redis keeps one sorted-set member, about 60 bytes, per permit).
   */
  readonly limit: number;
  /** The window length in milliseconds. A number > 0, at most 366 days. */
  readonly windowMs: number;
}

export interface ResolvedStoreOptions {
  readonly redis: RedisClientLike;
  readonly key: string;
  readonly onStoreError: StoreErrorMode;
  readonly localShare: number;
  readonly commandTimeoutMs: number;
  readonly retryStoreAfterMs: number;
  readonly clock: Clock;
}

export interface ResolvedTokenBucketOptions extends ResolvedStoreOptions {
  readonly capacity: number;
  readonly refillPerSecond: number;
}

export interface ResolvedSlidingWindowOptions extends ResolvedStoreOptions {
  readonly limit: number;
  readonly windowMs: number;
}

const STORE_KEYS = [
  'redis',
  'key',
  'onStoreError',
  'localShare',
  'commandTimeoutMs',
  'retryStoreAfterMs',
  'clock',
] as const;

// Printable, no spaces: keys end up in logs, MONITOR output and redis-cli commands.
const KEY_PATTERN = /^[^\s\p{Cc}]{1,512}$/u;

function resolveStore(check: OptionChecker, opts: Partial<RedisStoreOptions>): ResolvedStoreOptions {
  if (!isRedisClientLike(opts.redis)) {
    check.fail('redis', opts.redis, 'an ioredis or node-redis client (with evalsha/evalSha and eval)');
  }
  if (typeof opts.key !== 'string' || !KEY_PATTERN.test(opts.key)) {
    check.fail('key', opts.key, 'a string of 1 to 512 characters without whitespace or control characters');
  }
  return {
    redis: opts.redis as RedisClientLike,
    key: opts.key as string,
    onStoreError: check.oneOf('onStoreError', opts.onStoreError, ['fail-open', 'fail-closed', 'local'], 'local'),
    localShare: check.number('localShare', opts.localShare, { greaterThan: 0, max: 1 }, 0.25),
    commandTimeoutMs: check.number('commandTimeoutMs', opts.commandTimeoutMs, { greaterThan: 0 }, 250),
    retryStoreAfterMs: check.number('retryStoreAfterMs', opts.retryStoreAfterMs, { min: 0 }, 1000),
    clock: check.clock('clock', opts.clock),
  };
}

const checkBucket = optionChecker('redisTokenBucket');

export function resolveRedisOptions(options: RedisTokenBucketOptions): ResolvedTokenBucketOptions {
  const opts = checkBucket.options(options, [...STORE_KEYS, 'capacity', 'refillPerSecond']);
  const store = resolveStore(checkBucket, opts);
  const capacity = checkBucket.number('capacity', opts.capacity, { integer: true, min: 1 });
  const refillPerSecond = checkBucket.number('refillPerSecond', opts.refillPerSecond, { greaterThan: 0 });
  return { ...store, capacity, refillPerSecond };
}

const checkWindow = optionChecker('redisSlidingWindow');

export function resolveRedisWindowOptions(options: RedisSlidingWindowOptions): ResolvedSlidingWindowOptions {
  const opts = checkWindow.options(options, [...STORE_KEYS, 'limit', 'windowMs']);
  const store = resolveStore(checkWindow, opts);
  const limit = checkWindow.number('limit', opts.limit, { integer: true, min: 1, max: MAX_REDIS_WINDOW_LIMIT });
  const windowMs = checkWindow.number('windowMs', opts.windowMs, { greaterThan: 0, max: MAX_REDIS_WINDOW_MS });
  return { ...store, limit, windowMs };
}
