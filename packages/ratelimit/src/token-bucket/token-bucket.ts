import type { Clock } from '@sentinel/core';
import { checkPauseTime, checkPenalty, GRANTED, maxWaitError, permitError } from '../internal/permits.ts';
import { type TimedSource, WaitQueue } from '../internal/wait-queue.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import { resolveTokenBucketOptions, type TokenBucketOptions } from './options.ts';

/** A plain, JSON-serialisable snapshot of a token bucket (the seed's `getRateLimitStatus()`). */
export interface TokenBucketStatus {
  /** Tokens available now (may be fractional). */
  readonly tokens: number;
  readonly capacity: number;
  readonly refillPerSecond: number;
  /** Callers waiting in `acquire`. */
  readonly waiting: number;
  /** Clock time until which nothing is granted (`pauseUntil` / `penalize`), or `null`. */
  readonly pausedUntil: number | null;
}

/** A token bucket: see {@link tokenBucket}. */
export interface TokenBucket extends Limiter {
  /**
   * Takes `n` tokens now if the bucket holds them and nobody is waiting; never waits. It does not
   * read the clock while tokens are plentiful.
   * @throws ConfigError when `n` is not an integer between 1 and `capacity`.
   */
  tryAcquire(n?: number): boolean;
  /**
   * Resolves when `n` tokens are granted, in FIFO order behind earlier callers.
   * Rejects with `signal.reason` on abort (the waiter leaves the queue at once), with a
   * `RateLimitedError` when the queue is full or the wait would exceed `maxWaitMs`, and with a
   * `ConfigError` when `n` exceeds `capacity` (it could never be granted).
   */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /** Milliseconds a new caller asking for `n` tokens would wait now (behind the queue). */
  estimateWaitMs(n?: number): number;
  /**
   * Grants nothing until clock time `time` (milliseconds on the bucket's clock), e.g. when a
   * server answered 429 with `Retry-After`. The bucket is emptied and refills from `time` at the
   * normal rate, so traffic resumes at the configured pace instead of with a burst. A pause never
   * shortens an existing one.
   */
  pauseUntil(time: number): void;
  /** `pauseUntil(clock.now() + ms)`. */
  penalize(ms: number): void;
  status(): TokenBucketStatus;
}

const OWNER = 'tokenBucket';
// Float error from `elapsed * rate` must not leave a waiter a hair short of its last token forever.
const EPSILON = 1e-9;

class Bucket implements TokenBucket, TimedSource {
  #tokens: number;
  // The time up to which refill has been credited; in the future while paused.
  #last: number;
  #queue: WaitQueue | undefined;
  readonly #capacity: number;
  readonly #perMs: number;
  // As given: `#perMs * 1000` is 0 for a rate below ~5e-321 (float underflow), and status() must not say 0.
  readonly #refillPerSecond: number;
  readonly #maxQueue: number;
  readonly #lazy: boolean;
  readonly #clock: Clock;

  constructor(options: TokenBucketOptions) {
    const o = resolveTokenBucketOptions(OWNER, options);
    this.#capacity = o.capacity;
    this.#perMs = o.refillPerSecond / 1000;
    this.#refillPerSecond = o.refillPerSecond;
    this.#maxQueue = o.maxQueue;
    this.#lazy = o.lazyRefill;
    this.#clock = o.clock;
    this.#tokens = o.initialTokens;
    this.#last = o.clock.now();
  }

  tryAcquire(n = 1): boolean {
    // Fast path, no clock read: refill can only add tokens, so enough tokens now means enough.
    // Number.isInteger first: it never converts, so `n` with a valueOf is not called here.
    if (
      Number.isInteger(n) &&
      n >= 1 &&
      this.#tokens >= n &&
      this.#lazy &&
      (this.#queue === undefined || this.#queue.size === 0)
    ) {
      this.#tokens -= n;
      return true;
    }
    return this.#trySlow(n);
  }

  #trySlow(n: number): boolean {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    // Fairness: nobody jumps the queue. A waiting caller gets the next tokens, not a lucky poller.
    if (this.#queue !== undefined && this.#queue.size > 0) return false;
    return this.take(n, this.#clock.now());
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#capacity) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const queue = this.#queue;
    if (queue === undefined || queue.size === 0) {
      if (this.#tokens >= n && this.#lazy) {
        this.#tokens -= n;
        return GRANTED;
      }
      if (this.take(n, this.#clock.now())) return GRANTED;
    }
    this.#queue ??= new WaitQueue(OWNER, this, this.#clock);
    return this.#queue.enqueue(n, signal, options?.maxWaitMs ?? Number.POSITIVE_INFINITY, this.#maxQueue);
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    return this.waitFor((this.#queue?.permits ?? 0) + n, this.#clock.now());
  }

  pauseUntil(time: number): void {
    checkPauseTime(OWNER, time);
    if (time <= this.#last) return;
    const now = this.#clock.now();
    if (time <= now) return;
    this.#refill(now);
    this.#tokens = 0;
    this.#last = time;
    this.#queue?.recheck();
  }

  penalize(ms: number): void {
    checkPenalty(OWNER, ms);
    this.pauseUntil(this.#clock.now() + ms);
  }

  status(): TokenBucketStatus {
    const now = this.#clock.now();
    this.#refill(now);
    return {
      tokens: this.#tokens,
      capacity: this.#capacity,
      refillPerSecond: this.#refillPerSecond,
      waiting: this.#queue?.size ?? 0,
      pausedUntil: this.#last > now ? this.#last : null,
    };
  }

  /** @internal TimedSource: used by the wait queue. */
  take(n: number, now: number): boolean {
    this.#refill(now);
    if (this.#tokens + EPSILON < n) return false;
    this.#tokens = Math.max(0, this.#tokens - n);
    return true;
  }

  /** @internal TimedSource: milliseconds from `now` until `n` tokens are in the bucket. */
  waitFor(n: number, now: number): number {
    this.#refill(now);
    const missing = n - this.#tokens;
    if (missing <= EPSILON) return 0;
    return Math.max(0, this.#last - now) + missing / this.#perMs;
  }

  #refill(now: number): void {
    const elapsed = now - this.#last;
    if (elapsed > 0) {
      const tokens = this.#tokens + elapsed * this.#perMs;
      this.#tokens = Math.min(tokens, this.#capacity);
      this.#last = now;
    }
  }
}

/**
 * A token bucket: holds up to `capacity` tokens, refilled continuously at `refillPerSecond`.
 * `tryAcquire` is a synchronous check that does not read the clock while tokens are plentiful;
 * `acquire` waits in FIFO order with one timer for the head of the queue.
 *
 * Accuracy: by default refill is computed lazily, only when the bucket looks short. Over any run,
 * tokens granted never exceed `capacity + refillPerSecond × elapsed` (the property test checks
 * it). The price of the clock-free fast path: time during which the bucket sat full and untouched
 * by the slow path can be credited late, so a bucket left idle and then drained at once may, at
 * the next refill, grant up to one extra `capacity` in that instant. `lazyRefill: false` refills
 * on every call (one clock read) and bursts never exceed `capacity`.
 *
 * @throws ConfigError for a bad option (named, with the value and what is allowed).
 */
export function tokenBucket(options: TokenBucketOptions): TokenBucket {
  return new Bucket(options);
}
