import type { Clock, Disposer, Listener } from '@sentinel/core';
import { maxWaitError, permitError } from '../internal/permits.ts';
import type { AcquireOptions } from '../limiter.ts';
import { slidingWindow } from '../sliding-window/sliding-window.ts';
import type { RedisStoreDownEvent, RedisStoreUpEvent } from './events.ts';
import { type RedisSlidingWindowOptions, resolveRedisWindowOptions, type StoreErrorMode } from './options.ts';
import { type Decision, type RedisLimiter, type RemotePermits, remoteLimiter } from './remote-permits.ts';
import { TICKS_PER_MS } from './script.ts';
import { SLIDING_WINDOW_SCRIPT, SLIDING_WINDOW_SHA } from './sliding-window-script.ts';
import type { ScriptStore } from './store.ts';

/** A plain, JSON-serialisable snapshot of a Redis sliding window. */
export interface RedisSlidingWindowStatus {
  readonly key: string;
  /** Permits in the window now, reservations included; `null` when Redis could not be asked. */
  readonly used: number | null;
  /** Permits that could be granted now; `null` when Redis could not be asked. */
  readonly remaining: number | null;
  readonly limit: number;
  readonly windowMs: number;
  /** Whether the last attempt to reach Redis succeeded. */
  readonly store: 'up' | 'down';
  readonly onStoreError: StoreErrorMode;
}

/**
 * An exact sliding window shared through Redis: see {@link redisSlidingWindow}. `acquire`
 * reserves the earliest times that keep every window within `limit`; `estimateWaitMs` is the
 * wait for one more permit (a lower bound for `n` > 1).
 */
export interface RedisSlidingWindow extends RedisLimiter {
  /** Asks Redis for the window's use (one round trip; never throws). */
  status(): Promise<RedisSlidingWindowStatus>;
}

const OWNER = 'redisSlidingWindow';

// {code, first, last, next, used}: see SLIDING_WINDOW_SCRIPT.
type Reply = readonly [number, number, number, number, number];
const isReply = (item: unknown): boolean =>
  Array.isArray(item) && item.length === 5 && item.every((value) => typeof value === 'number');
const identity = (value: unknown): unknown => value;

class RedisWindow implements RedisSlidingWindow {
  readonly remote = true;
  readonly key: string;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #mode: StoreErrorMode;
  readonly #clock: Clock;
  readonly #store: ScriptStore;
  readonly #permits: RemotePermits;
  /** From the last answer: the wait for one more permit, and when it came. */
  #lastNextMs = 0;
  #lastAt: number;

  readonly onStoreDown: (listener: Listener<RedisStoreDownEvent>) => Disposer;
  readonly onStoreUp: (listener: Listener<RedisStoreUpEvent>) => Disposer;

  constructor(options: RedisSlidingWindowOptions) {
    const o = resolveRedisWindowOptions(options);
    this.key = o.key;
    this.#limit = o.limit;
    this.#windowMs = o.windowMs;
    this.#mode = o.onStoreError;
    this.#clock = o.clock;
    const localCapacity = Math.max(1, Math.floor(o.limit * o.localShare));
    ({ store: this.#store, permits: this.#permits } = remoteLimiter({
      owner: OWNER,
      options: o,
      script: SLIDING_WINDOW_SCRIPT,
      sha: SLIDING_WINDOW_SHA,
      // Rounded up: a window a fraction of a tick longer never lets more through.
      head: [String(Math.ceil(o.windowMs * TICKS_PER_MS)), String(o.limit)],
      isReply,
      localCapacity,
      createLocal: () => slidingWindow({ limit: localCapacity, windowMs: o.windowMs, clock: o.clock }),
      isGranted: this.#isGranted,
      decide: this.#decide,
    }));
    this.onStoreDown = this.#store.onStoreDown;
    this.onStoreUp = this.#store.onStoreUp;
    this.#lastAt = o.clock.now();
  }

  tryAcquire(n = 1): Promise<boolean> {
    const error = permitError(OWNER, n, this.#limit);
    if (error !== undefined) return Promise.reject(error);
    return this.#permits.tryAcquire(n);
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#limit) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    return this.#permits.acquire(n, options);
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#limit);
    if (error !== undefined) throw error;
    const down = this.#permits.estimateWhileDown(n);
    if (down !== undefined) return down;
    return Math.max(0, this.#lastNextMs - (this.#clock.now() - this.#lastAt));
  }

  async status(): Promise<RedisSlidingWindowStatus> {
    // A status read always asks Redis, even while calls skip it: it doubles as a health probe.
    this.#store.probeNext();
    const reply = (await this.#store.request(0, '0', identity)) as Reply | undefined;
    if (reply !== undefined) this.#record(reply);
    return {
      key: this.key,
      used: reply === undefined ? null : reply[4],
      remaining: reply === undefined ? null : Math.max(0, this.#limit - reply[4]),
      limit: this.#limit,
      windowMs: this.#windowMs,
      store: reply === undefined ? 'down' : 'up',
      onStoreError: this.#mode,
    };
  }

  #record(reply: Reply): void {
    this.#lastNextMs = reply[3] / TICKS_PER_MS;
    this.#lastAt = this.#clock.now();
  }

  readonly #isGranted = (reply: unknown): boolean => {
    this.#record(reply as Reply);
    return (reply as Reply)[0] >= 0;
  };

  readonly #decide = (reply: unknown, n: number): Decision => {
    const [code, first, last] = reply as Reply;
    const granted = this.#isGranted(reply);
    return {
      granted,
      waitMs: (granted ? code : -1 - code) / TICKS_PER_MS,
      refundN: -n,
      refundArg: `${first}:${last}`,
    };
  };
}

/**
 * "At most `limit` per `windowMs`, in ANY window", across every process that uses the same Redis
 * `key` — e.g. a partner API's 5,000 calls per hour for a whole fleet. Exact: Redis keeps the time
 * of every permit still in the window (a sorted set, one member per permit, on Redis's own
 * `TIME`), and one Lua script per decision gives each request the earliest time that keeps every
 * window within the limit; calls made in the same tick share one script run, decided one by one
 * in arrival order. The key expires a window after its newest permit. Store errors follow
 * `onStoreError`, as for {@link redisTokenBucket} (the `'local'` fallback is an in-process
 * `slidingWindow` with `localShare` of the limit). Needs Redis >= 6.2.
 *
 * @throws ConfigError for a bad option.
 */
export function redisSlidingWindow(options: RedisSlidingWindowOptions): RedisSlidingWindow {
  return new RedisWindow(options);
}
