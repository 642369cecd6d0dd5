import type { Clock, Disposer, Listener } from '@sentinel/core';
import { maxWaitError, permitError } from '../internal/permits.ts';
import type { AcquireOptions } from '../limiter.ts';
import { tokenBucket } from '../token-bucket/token-bucket.ts';
import type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
import { type RedisTokenBucketOptions, resolveRedisOptions, type StoreErrorMode } from './options.ts';
import { type Decision, type RedisLimiter, type RemotePermits, remoteLimiter } from './remote-permits.ts';
import { TICKS_PER_MS, TOKEN_BUCKET_SCRIPT, TOKEN_BUCKET_SHA } from './script.ts';
import type { ScriptStore } from './store.ts';

/** A plain, JSON-serialisable snapshot of a Redis token bucket. */
export interface RedisTokenBucketStatus {
  readonly key: string;
  /** Tokens in Redis now; `null` when Redis could not be asked. */
  readonly tokens: number | null;
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Whether the last attempt to reach Redis succeeded. */
  readonly store: 'up' | 'down';
  readonly onStoreError: StoreErrorMode;
}

/** A token bucket shared through Redis: see {@link redisTokenBucket}. */
export interface RedisTokenBucket extends RedisLimiter {
  /** Asks Redis for the current tokens (one round trip; never throws). */
  status(): Promise<RedisTokenBucketStatus>;
}

const OWNER = 'redisTokenBucket';
const isNumber = (item: unknown): boolean => typeof item === 'number';

class RedisBucket implements RedisTokenBucket {
  readonly remote = true;
  readonly key: string;
  readonly #capacity: number;
  readonly #rate: number;
  readonly #mode: StoreErrorMode;
  readonly #clock: Clock;
  /** Ticks per token, and the capacity in ticks (the script's units). */
  readonly #interval: number;
  readonly #burst: number;
  readonly #store: ScriptStore;
  readonly #permits: RemotePermits;
  #lastTokens: number;
  #lastAt: number;

  readonly onStoreDown: (listener: Listener<RedisStoreDownEvent>) => Disposer;
  readonly onStoreUp: (listener: Listener<RedisStoreUpEvent>) => Disposer;

  constructor(options: RedisTokenBucketOptions) {
    const o = resolveRedisOptions(options);
    this.key = o.key;
    this.#capacity = o.capacity;
    this.#rate = o.refillPerSecond;
    this.#mode = o.onStoreError;
    this.#clock = o.clock;
    this.#interval = (TICKS_PER_MS * 1000) / o.refillPerSecond;
    this.#burst = o.capacity * this.#interval;
    const localCapacity = Math.max(1, Math.floor(o.capacity * o.localShare));
    ({ store: this.#store, permits: this.#permits } = remoteLimiter({
      owner: OWNER,
      options: o,
      script: TOKEN_BUCKET_SCRIPT,
      sha: TOKEN_BUCKET_SHA,
      head: [String(this.#interval), String(this.#burst)],
      isReply: isNumber,
      localCapacity,
      createLocal: () =>
        tokenBucket({ capacity: localCapacity, refillPerSecond: o.refillPerSecond * o.localShare, clock: o.clock }),
      isGranted: this.#isGranted,
      decide: this.#decide,
    }));
    this.onStoreDown = this.#store.onStoreDown;
    this.onStoreUp = this.#store.onStoreUp;
    this.#lastTokens = o.capacity;
    this.#lastAt = o.clock.now();
  }

  // Not async: at ~20 µs per round trip, each extra async frame and promise shows.
  tryAcquire(n = 1): Promise<boolean> {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) return Promise.reject(error);
    return this.#permits.tryAcquire(n);
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#capacity) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    return this.#permits.acquire(n, options);
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    const down = this.#permits.estimateWhileDown(n);
    if (down !== undefined) return down;
    const now = this.#clock.now();
    const tokens = Math.min(this.#capacity, this.#lastTokens + ((now - this.#lastAt) * this.#rate) / 1000);
    return tokens >= n ? 0 : ((n - tokens) * 1000) / this.#rate;
  }

  async status(): Promise<RedisTokenBucketStatus> {
    // A status read always asks Redis, even while calls skip it: it doubles as a health probe.
    this.#store.probeNext();
    const debt = (await this.#store.request(0, '0', identity)) as number | undefined;
    if (debt !== undefined) this.#record(debt);
    return {
      key: this.key,
      tokens: debt === undefined ? null : this.#tokensAt(debt),
      capacity: this.#capacity,
      refillPerSecond: this.#rate,
      store: debt === undefined ? 'down' : 'up',
      onStoreError: this.#mode,
    };
  }

  /** Tokens left when the bucket's debt (TAT - now) is `debt` ticks. */
  #tokensAt(debt: number): number {
    return Math.min(this.#capacity, Math.max(0, (this.#burst - debt) / this.#interval));
  }

  #record(debt: number): void {
    this.#lastTokens = this.#tokensAt(debt);
    this.#lastAt = this.#clock.now();
  }

  // A reply is the debt after a grant (>= 0), or -1 - the debt a refused request would have made.
  readonly #isGranted = (reply: unknown, n: number): boolean => {
    const value = reply as number;
    if (value >= 0) {
      this.#record(value);
      return true;
    }
    // Refused: nothing was taken; the debt is the refused one minus the request.
    this.#record(-1 - value - n * this.#interval);
    return false;
  };

  readonly #decide = (reply: unknown, n: number): Decision => {
    const value = reply as number;
    const granted = this.#isGranted(value, n);
    const debt = granted ? value : -1 - value;
    return { granted, waitMs: Math.max(0, debt - this.#burst) / TICKS_PER_MS, refundN: -n, refundArg: '0' };
  };
}

const identity = (value: unknown): unknown => value;

/**
 * A token bucket shared by every process that uses the same Redis `key`: each decision is a Lua
 * script (GCRA on Redis's own `TIME`, so client clocks never matter), run with EVALSHA and
 * reloaded on NOSCRIPT; calls made in the same tick share one script run, decided one by one in
 * arrival order. The key expires once the bucket would be full again. Every command is bounded
 * by `commandTimeoutMs`; when Redis cannot answer, `onStoreError` decides (default `'local'`: an
 * in-process bucket at `localShare` of the rate), and Redis is tried again after
 * `retryStoreAfterMs`. Needs Redis >= 6.2.
 *
 * Works with ioredis and node-redis clients; `rateLimit({ limiter })` accepts it like any
 * local limiter (in `'wait'` mode it reserves in one round trip).
 *
 * @throws ConfigError for a bad option (a bad key, a missing client, ...).
 */
export function redisTokenBucket(options: RedisTokenBucketOptions): RedisTokenBucket {
  return new RedisBucket(options);
}
