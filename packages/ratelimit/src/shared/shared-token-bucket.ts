import { type Clock, optionChecker } from '@sentinel/core';
import { RateLimitedError } from '../errors.ts';
import { checkPauseTime, checkPenalty, GRANTED, maxWaitError, permitError } from '../internal/permits.ts';
import type { AcquireOptions, Limiter } from '../limiter.ts';
import { epochClock } from './epoch-clock.ts';

/** Options of {@link sharedTokenBucket}. */
export interface SharedTokenBucketOptions {
  /** The most tokens the bucket holds. An integer >= 1. */
  readonly capacity: number;
  /**
   * Tokens added per second. A number > 0 and at most 1e9, and at least `capacity / 1e9` (a full
   * refill within 1e9 seconds, so the state fits its 64-bit clock).
   */
  readonly refillPerSecond: number;
  /**
   * Tokens at creation, between 0 and `capacity`.
   * @default capacity
   */
  readonly initialTokens?: number | undefined;
  /**
   * Where time is read. Every thread attached to the buffer must read the SAME timeline.
   * @default epochClock (`performance.timeOrigin + performance.now()`)
   */
  readonly clock?: Clock | undefined;
}

/** Options of `sharedTokenBucket.attach`. */
export interface AttachOptions {
  /** @default epochClock; must match the timeline of the thread that created the buffer. */
  readonly clock?: Clock | undefined;
}

/** A plain, JSON-serialisable snapshot. */
export interface SharedTokenBucketStatus {
  readonly tokens: number;
  readonly capacity: number;
  readonly refillPerSecond: number;
}

/** A token bucket living in a `SharedArrayBuffer`: see {@link sharedTokenBucket}. */
export interface SharedTokenBucket extends Limiter {
  /** The state; post it to a worker and call `sharedTokenBucket.attach(buffer)` there. */
  readonly buffer: SharedArrayBuffer;
  /** Takes `n` tokens now if available (lock-free compare-and-swap). */
  tryAcquire(n?: number): boolean;
  /**
   * Reserves `n` tokens at once (the slot is ordered by arrival across all threads) and resolves
   * when the reservation is due. An abort gives the reservation back and rejects with
   * `signal.reason`; a wait beyond `maxWaitMs` is refused at once with a `RateLimitedError`.
   */
  acquire(n?: number, options?: AcquireOptions): Promise<void>;
  estimateWaitMs(n?: number): number;
  /** Grants nothing until `time` (on the shared timeline) in every attached thread. */
  pauseUntil(time: number): void;
  penalize(ms: number): void;
  status(): SharedTokenBucketStatus;
}

// Layout: Int64 [magic, theoretical arrival time in ns since origin] then Float64 [capacity, rate, origin ms].
const MAGIC = 0x5e17_7b0c_0001n;
const TAT = 1;
const BYTES = 40;
const OWNER = 'sharedTokenBucket';
const check = optionChecker(OWNER);
/** The longest full refill (`capacity / refillPerSecond`), in seconds, so the state fits in 64 bits. */
const MAX_REFILL_SECONDS = 1e9;
/** How far past the bucket's creation `pauseUntil` may reach, in ms (with a full refill, within 2^63 ns). */
const MAX_PAUSE_MS = 3e12;

/*
 * GCRA, the token bucket expressed as ONE number: the theoretical arrival time (TAT) when the
 * bucket would be full again. Granting n tokens moves it n × interval later; it is allowed while
 * it stays within capacity × interval of now. One 64-bit word means one Atomics.compareExchange
 * per grant: lock-free, no mutex, and exact (granted <= capacity + rate × elapsed).
 */
class Shared implements SharedTokenBucket {
  readonly buffer: SharedArrayBuffer;
  readonly #state: BigInt64Array;
  readonly #capacity: number;
  readonly #rate: number;
  readonly #origin: number;
  readonly #interval: bigint;
  readonly #burst: bigint;
  readonly #clock: Clock;

  constructor(buffer: SharedArrayBuffer, clock: Clock) {
    this.buffer = buffer;
    this.#state = new BigInt64Array(buffer, 0, 2);
    const config = new Float64Array(buffer, 16, 3);
    this.#capacity = config[0] as number;
    this.#rate = config[1] as number;
    this.#origin = config[2] as number;
    this.#interval = BigInt(Math.round(1e9 / this.#rate));
    this.#burst = BigInt(this.#capacity) * this.#interval;
    this.#clock = clock;
  }

  tryAcquire(n = 1): boolean {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    const now = this.#now();
    const cost = BigInt(n) * this.#interval;
    // Lock-free: a failed exchange means another thread's grant succeeded; retry with its state.
    for (;;) {
      const tat = Atomics.load(this.#state, TAT);
      // biome-ignore lint/complexity/useMathMinMax: bigint operands; Math.max does not take them.
      const next = (tat > now ? tat : now) + cost;
      if (next - now > this.#burst) return false;
      if (Atomics.compareExchange(this.#state, TAT, tat, next) === tat) return true;
    }
  }

  acquire(n = 1, options?: AcquireOptions): Promise<void> {
    const error = permitError(OWNER, n, this.#capacity) ?? maxWaitError(OWNER, options?.maxWaitMs);
    if (error !== undefined) return Promise.reject(error);
    const signal = options?.signal;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const maxWaitMs = options?.maxWaitMs ?? Number.POSITIVE_INFINITY;
    const now = this.#now();
    const cost = BigInt(n) * this.#interval;
    let waitNs: bigint;
    for (;;) {
      const tat = Atomics.load(this.#state, TAT);
      // biome-ignore lint/complexity/useMathMinMax: bigint operands; Math.max does not take them.
      const next = (tat > now ? tat : now) + cost;
      waitNs = next - now - this.#burst;
      const waitMs = Number(waitNs) / 1e6;
      if (waitMs > maxWaitMs) {
        return Promise.reject(
          new RateLimitedError(`${OWNER}: the wait (about ${Math.ceil(waitMs)} ms) would exceed maxWaitMs`, {
            reason: 'max-wait',
            retryAfterMs: waitMs,
          }),
        );
      }
      if (Atomics.compareExchange(this.#state, TAT, tat, next) === tat) break;
    }
    if (waitNs <= 0n) return GRANTED;
    return this.#clock.sleep(Math.ceil(Number(waitNs) / 1e6), signal).catch((reason: unknown) => {
      // Aborted before its slot: give the reservation back so later callers can use it.
      Atomics.sub(this.#state, TAT, cost);
      throw reason;
    });
  }

  estimateWaitMs(n = 1): number {
    const error = permitError(OWNER, n, this.#capacity);
    if (error !== undefined) throw error;
    const now = this.#now();
    const tat = Atomics.load(this.#state, TAT);
    // biome-ignore lint/complexity/useMathMinMax: bigint operands.
    const waitNs = (tat > now ? tat : now) + BigInt(n) * this.#interval - now - this.#burst;
    return waitNs > 0n ? Number(waitNs) / 1e6 : 0;
  }

  pauseUntil(time: number): void {
    checkPauseTime(OWNER, time);
    // The state is a 64-bit count of ns since the bucket's origin: a pause past that range would
    // wrap around (BigInt64Array stores modulo 2^64) and grant at once instead of never.
    if (time - this.#origin > MAX_PAUSE_MS) {
      check.fail(
        'time',
        time,
        `a finite number at most ${MAX_PAUSE_MS} ms after the bucket was created (about 95 years)`,
      );
    }
    // Empty at `time`, refilling from then: TAT = time + a full bucket's worth.
    const target = BigInt(Math.round((time - this.#origin) * 1e6)) + this.#burst;
    for (;;) {
      const tat = Atomics.load(this.#state, TAT);
      if (tat >= target) return;
      if (Atomics.compareExchange(this.#state, TAT, tat, target) === tat) return;
    }
  }

  penalize(ms: number): void {
    checkPenalty(OWNER, ms);
    this.pauseUntil(this.#clock.now() + ms);
  }

  status(): SharedTokenBucketStatus {
    const now = this.#now();
    const tat = Atomics.load(this.#state, TAT);
    const debt = tat > now ? tat - now : 0n;
    const tokens = Math.max(0, Number(this.#burst - debt) / Number(this.#interval));
    return { tokens, capacity: this.#capacity, refillPerSecond: this.#rate };
  }

  #now(): bigint {
    return BigInt(Math.round((this.#clock.now() - this.#origin) * 1e6));
  }
}

function resolveClock(clock: unknown): Clock {
  if (clock === undefined) return epochClock;
  if (typeof clock !== 'object' || clock === null || typeof (clock as Clock).now !== 'function') {
    return check.fail('clock', clock, 'a Clock ({ now(), sleep(ms, signal) })');
  }
  return clock as Clock;
}

function create(options: SharedTokenBucketOptions): SharedTokenBucket {
  const opts = check.options(options, ['capacity', 'refillPerSecond', 'initialTokens', 'clock']);
  const capacity = check.number('capacity', opts.capacity, { integer: true, min: 1, max: 2 ** 31 - 1 });
  const refillPerSecond = check.number('refillPerSecond', opts.refillPerSecond, { greaterThan: 0, max: 1e9 });
  const initialTokens = check.number('initialTokens', opts.initialTokens, { min: 0, max: capacity }, capacity);
  // The state counts ns in 64 bits: a bucket taking centuries to refill would overflow it (and
  // a rate so low that 1e9 / rate is Infinity made BigInt() throw a RangeError).
  if (capacity / refillPerSecond > MAX_REFILL_SECONDS) {
    check.fail(
      'refillPerSecond',
      refillPerSecond,
      `a number >= ${capacity / MAX_REFILL_SECONDS} (capacity / 1e9: a full refill may take at most 1e9 seconds)`,
    );
  }
  const clock = resolveClock(opts.clock);
  if (typeof SharedArrayBuffer !== 'function') {
    check.fail('environment', undefined, 'a runtime with SharedArrayBuffer (browsers: a cross-origin isolated page)');
  }
  const buffer = new SharedArrayBuffer(BYTES);
  const origin = clock.now();
  new Float64Array(buffer, 16, 3).set([capacity, refillPerSecond, origin]);
  const state = new BigInt64Array(buffer, 0, 2);
  state[0] = MAGIC;
  const interval = Math.round(1e9 / refillPerSecond);
  // A full bucket has TAT <= now; each missing token puts it one interval later.
  state[TAT] = BigInt(Math.round((capacity - initialTokens) * interval));
  return new Shared(buffer, clock);
}

function attach(buffer: SharedArrayBuffer, options: AttachOptions = {}): SharedTokenBucket {
  const attachCheck = optionChecker(`${OWNER}.attach`);
  if (
    typeof SharedArrayBuffer !== 'function' ||
    !(buffer instanceof SharedArrayBuffer) ||
    buffer.byteLength !== BYTES ||
    new BigInt64Array(buffer, 0, 1)[0] !== MAGIC
  ) {
    attachCheck.fail('buffer', buffer, 'the `buffer` of a sharedTokenBucket');
  }
  const opts = attachCheck.options(options, ['clock']);
  return new Shared(buffer, resolveClock(opts.clock));
}

/**
 * A token bucket whose state lives in a `SharedArrayBuffer`, updated with `Atomics`
 * compare-and-swap: every worker thread that calls `sharedTokenBucket.attach(buffer)` draws from
 * the same tokens, without locks. Use it for the one thing workers must share: the rate they owe
 * a remote API. Exact: over any run, granted <= capacity + rate × elapsed, whatever the threads do.
 *
 * Time must be comparable across threads, so the default clock is {@link epochClock}; tests may
 * inject a clock, the same timeline in every thread. `tryAcquire` reads the clock on every call
 * (a shared bucket cannot know another thread's last read), so it costs more than `tokenBucket`'s.
 */
export const sharedTokenBucket: ((options: SharedTokenBucketOptions) => SharedTokenBucket) & {
  /** Wraps the buffer of a bucket created in another thread. */
  readonly attach: (buffer: SharedArrayBuffer, options?: AttachOptions) => SharedTokenBucket;
} = Object.assign(create, { attach });
