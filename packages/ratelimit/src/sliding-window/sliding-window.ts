import type { Clock } from '@sentinel/core';
import { checkPauseTime, checkPenalty, GRANTED, maxWaitError, permitError } from '../internal/permits.ts';
import { type TimedSource, WaitQueue } from '../internal/wait-queue.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import { resolveSlidingWindowOptions, type SlidingWindowOptions } from './options.ts';

/** A plain, JSON-serialisable snapshot of a sliding window. */
export interface SlidingWindowStatus {
  /** Permits granted within the last `windowMs`. */
  readonly used: number;
  /** Permits that could be granted now. */
  readonly remaining: number;
  readonly limit: number;
  readonly windowMs: number;
  /** Callers waiting in `acquire`. */
  readonly waiting: number;
  /** Clock time until which nothing is granted, or `null`. */
  readonly pausedUntil: number | null;
}

/** A sliding-window limiter: see {@link slidingWindow}. */
export interface SlidingWindow extends Limiter {
  /** Takes `n` permits now if that keeps every window within `limit` and nobody waits. */
  tryAcquire(n?: number): boolean;
  /** Resolves when `n` permits are granted, FIFO; same rejections as `tokenBucket().acquire`. */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  /** Milliseconds a new caller asking for `n` permits would wait now (an estimate behind a deep queue). */
  estimateWaitMs(n?: number): number;
  /** Grants nothing until clock time `time`; the log is kept, so the limit still holds afterwards. */
  pauseUntil(time: number): void;
  /** `pauseUntil(clock.now() + ms)`. */
  penalize(ms: number): void;
  status(): SlidingWindowStatus;
}

const OWNER = 'slidingWindow';

class Window implements SlidingWindow, TimedSource {
  // The exact log: grant times in a ring, oldest at `#head`. Allocated at the first grant.
  #ring: Float64Array | undefined;
  #head = 0;
  #count = 0;
  #pausedUntil = Number.NEGATIVE_INFINITY;
  #queue: WaitQueue | undefined;
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #maxQueue: number;
  readonly #clock: Clock;

  constructor(options: SlidingWindowOptions) {
    const o = resolveSlidingWindowOptions(options);
    this.#limit = o.limit;
    this.#windowMs = o.windowMs;
    this.#maxQueue = o.maxQueue;
    this.#clock = o.clock;
  }

  tryAcquire(n = 1): boolean {
    const error = permitError(OWNER, n, this.#limit);
    if (error !== undefined) throw error;
    if (this.#queue !== undefined && this.#queue.size > 0) return false;
    return this.take(n, this.#clock.now());
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#limit) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    if ((this.#queue === undefined || this.#queue.size === 0) && this.take(n, this.#clock.now())) return GRANTED;
    this.#queue ??= new WaitQueue(OWNER, this, this.#clock);
    return this.#queue.enqueue(n, signal, options?.maxWaitMs ?? Number.POSITIVE_INFINITY, this.#maxQueue);
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#limit);
    if (error !== undefined) throw error;
    return this.waitFor((this.#queue?.permits ?? 0) + n, this.#clock.now());
  }

  pauseUntil(time: number): void {
    checkPauseTime(OWNER, time);
    if (time <= this.#pausedUntil || time <= this.#clock.now()) return;
    this.#pausedUntil = time;
    this.#queue?.recheck();
  }

  penalize(ms: number): void {
    checkPenalty(OWNER, ms);
    this.pauseUntil(this.#clock.now() + ms);
  }

  status(): SlidingWindowStatus {
    const now = this.#clock.now();
    this.#expire(now);
    const paused = this.#pausedUntil > now;
    return {
      used: this.#count,
      remaining: paused ? 0 : this.#limit - this.#count,
      limit: this.#limit,
      windowMs: this.#windowMs,
      waiting: this.#queue?.size ?? 0,
      pausedUntil: paused ? this.#pausedUntil : null,
    };
  }

  /** @internal TimedSource */
  take(n: number, now: number): boolean {
    if (now < this.#pausedUntil) return false;
    this.#expire(now);
    if (this.#count + n > this.#limit) return false;
    this.#ring ??= new Float64Array(this.#limit);
    const ring = this.#ring;
    for (let i = 0; i < n; i++) ring[(this.#head + this.#count++) % this.#limit] = now;
    return true;
  }

  /** @internal TimedSource: when the log will have room for `n` more permits. */
  waitFor(n: number, now: number): number {
    this.#expire(now);
    const pause = Math.max(0, this.#pausedUntil - now);
    const excess = this.#count + n - this.#limit;
    if (excess <= 0) return pause;
    // An empty log (never granted, or all expired) while waiters queue past the limit (during a
    // pause): `limit` permits at the pause's end, then a window per further `limit`. Reading the
    // ring here used to throw a TypeError when it was never allocated.
    if (this.#count === 0) return pause + this.#windowMs * Math.ceil(excess / this.#limit);
    const ring = this.#ring as Float64Array;
    if (excess <= this.#count) {
      // Room appears when the `excess`-th oldest grant leaves the window.
      const leaves = (ring[(this.#head + excess - 1) % this.#limit] as number) + this.#windowMs;
      return Math.max(pause, leaves - now);
    }
    // Deeper than one window of waiters: whole windows more, after the newest grant leaves.
    const newest = ring[(this.#head + this.#count - 1) % this.#limit] as number;
    const windows = Math.ceil((excess - this.#count) / this.#limit);
    return Math.max(pause, newest + this.#windowMs * (1 + windows) - now);
  }

  #expire(now: number): void {
    const ring = this.#ring;
    if (ring === undefined) return;
    const horizon = now - this.#windowMs;
    // A grant at time t counts in [t, t + windowMs).
    while (this.#count > 0 && (ring[this.#head] as number) <= horizon) {
      this.#head = (this.#head + 1) % this.#limit;
      this.#count--;
    }
  }
}

/**
 * "At most `limit` per `windowMs`, in ANY window", e.g. 5,000 per hour. Exact: it keeps the
 * time of every grant still in the window (a ring of `limit` numbers, 8 bytes each, allocated at
 * the first grant), so no window of length `windowMs` ever holds more than `limit` grants. There
 * is no approximation error; the cost is memory proportional to `limit` and a clock read per call.
 *
 * @throws ConfigError for a bad option.
 */
export function slidingWindow(options: SlidingWindowOptions): SlidingWindow {
  return new Window(options);
}
