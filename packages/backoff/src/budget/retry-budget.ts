import { type Clock, MAX_DELAY_MS, optionChecker, systemClock } from '@sentinel/core';

/**
 * What a retry policy asks of a budget. {@link retryBudget} is the in-process implementation; any
 * object with these methods (one backed by a shared store, say) works too.
 */
export interface RetryBudget {
  /** Counts a first attempt: each one earns `ratio` of a retry. */
  recordCall(): void;
  /** Spends one retry and returns `true` when the budget allows it; returns `false` (and spends nothing) otherwise. */
  tryRetry(): boolean;
  /** A plain, JSON-serialisable snapshot of the budget. */
  status(): RetryBudgetStatus;
}

/** Snapshot returned by {@link RetryBudget.status}; counts cover the sliding window. */
export interface RetryBudgetStatus {
  /** First attempts recorded in the window. */
  readonly calls: number;
  /** Retries spent in the window. */
  readonly retries: number;
  /** Retries that may still be spent now: `floor(ratio × calls + reserve − retries)`, at least 0. */
  readonly available: number;
  /** Retries refused since the budget was created. */
  readonly skipped: number;
  readonly ratio: number;
  readonly minPerSecond: number;
  readonly windowMs: number;
}

/** Options of {@link retryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Retries allowed per first attempt, in [0, 1]: 0.2 lets retries add at most 20 % to the load.
   * @default 0.2
   */
  readonly ratio?: number | undefined;
  /**
   * Retries allowed per second whatever the traffic, so a quiet service can still retry
   * (Finagle's `minRetriesToKeep`). The window holds `minPerSecond × windowMs / 1000` of them.
   * A number from 0 to 1e9.
   * @default 10
   */
  readonly minPerSecond?: number | undefined;
  /**
   * How far back calls and retries are counted, in milliseconds (Finagle's `ttl`). Counted in ten
   * buckets, so old traffic leaves the window a tenth at a time. A number > 0 and at most
   * 2^31 − 1 (about 24.8 days).
   * @default 10_000
   */
  readonly windowMs?: number | undefined;
  /**
   * Where time is read. The budget never starts a timer.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** Whether `value` has a {@link RetryBudget}'s methods (any object with them will do). */
export function isRetryBudget(value: unknown): value is RetryBudget {
  const candidate = value as Partial<RetryBudget> | null | undefined;
  return (
    typeof candidate?.recordCall === 'function' &&
    typeof candidate.tryRetry === 'function' &&
    typeof candidate.status === 'function'
  );
}

const BUCKETS = 10;
/** The largest `minPerSecond`. */
const MAX_PER_SECOND = 1e9;
const check = optionChecker('retryBudget');

/**
 * A retry budget shared by many retry policies (many workers): retries may be at most `ratio` of
 * the first attempts seen in the last `windowMs`, plus a small reserve of `minPerSecond`. When it
 * is spent, retries are skipped (the policy gives up with the last outcome) but first attempts
 * still run. This is what keeps N workers × M attempts from multiplying the load on a service
 * that is already failing (Envoy and gRPC retry budgets, Finagle's `RetryBudget`).
 *
 * The window is computed from `clock.now()` when the budget is used: no timer runs.
 *
 * @example
 * const budget = retryBudget({ ratio: 0.2 });
 * const a = retry({ maxAttempts: 3, budget });
 * const b = retry({ maxAttempts: 5, budget }); // both draw on the same budget
 * @throws ConfigError when `ratio` is outside [0, 1], `minPerSecond` is negative, or `windowMs` is not > 0.
 */
export function retryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const opts = check.options(options, ['ratio', 'minPerSecond', 'windowMs', 'clock']);
  const ratio = check.rate('ratio', opts.ratio, 0.2);
  // Bounded so that the reserve (minPerSecond × windowMs / 1000) and `status().available` stay
  // finite: an Infinity there would be `null` in JSON.
  const minPerSecond = check.number('minPerSecond', opts.minPerSecond, { min: 0, max: MAX_PER_SECOND }, 10);
  const windowMs = check.duration('windowMs', opts.windowMs, { greaterThan: 0, max: MAX_DELAY_MS }, 10_000);
  const clock = opts.clock ?? systemClock;
  if (typeof clock?.now !== 'function') check.fail('clock', clock, 'a Clock (an object with now() and sleep())');
  return new SlidingRetryBudget(ratio, minPerSecond, windowMs, clock);
}

class SlidingRetryBudget implements RetryBudget {
  readonly #ratio: number;
  readonly #minPerSecond: number;
  readonly #windowMs: number;
  readonly #reserve: number;
  readonly #bucketMs: number;
  readonly #clock: Clock;
  readonly #calls: number[] = new Array(BUCKETS).fill(0);
  readonly #retries: number[] = new Array(BUCKETS).fill(0);
  #totalCalls = 0;
  #totalRetries = 0;
  #skipped = 0;
  // The current bucket: its sequence number, its slot in the ring, and when it ends. Every call
  // reads the clock once and compares: only a call in a new bucket divides and clears.
  #epoch: number;
  #index: number;
  #endsAt: number;

  constructor(ratio: number, minPerSecond: number, windowMs: number, clock: Clock) {
    this.#ratio = ratio;
    this.#minPerSecond = minPerSecond;
    this.#windowMs = windowMs;
    this.#reserve = (minPerSecond * windowMs) / 1000;
    this.#bucketMs = windowMs / BUCKETS;
    this.#clock = clock;
    this.#epoch = Math.floor(clock.now() / this.#bucketMs);
    this.#index = slot(this.#epoch);
    this.#endsAt = (this.#epoch + 1) * this.#bucketMs;
  }

  recordCall(): void {
    const now = this.#clock.now();
    if (now >= this.#endsAt) this.#advance(now);
    const index = this.#index;
    this.#calls[index] = (this.#calls[index] as number) + 1;
    this.#totalCalls++;
  }

  tryRetry(): boolean {
    const now = this.#clock.now();
    if (now >= this.#endsAt) this.#advance(now);
    if (this.#totalRetries + 1 > this.#ratio * this.#totalCalls + this.#reserve) {
      this.#skipped++;
      return false;
    }
    const index = this.#index;
    this.#retries[index] = (this.#retries[index] as number) + 1;
    this.#totalRetries++;
    return true;
  }

  status(): RetryBudgetStatus {
    const now = this.#clock.now();
    if (now >= this.#endsAt) this.#advance(now);
    return {
      calls: this.#totalCalls,
      retries: this.#totalRetries,
      available: Math.max(0, Math.floor(this.#ratio * this.#totalCalls + this.#reserve - this.#totalRetries)),
      skipped: this.#skipped,
      ratio: this.#ratio,
      minPerSecond: this.#minPerSecond,
      windowMs: this.#windowMs,
    };
  }

  /** Moves to the bucket holding `now`, dropping the buckets that left the window on the way. */
  #advance(now: number): void {
    const epoch = Math.floor(now / this.#bucketMs);
    const steps = Math.min(BUCKETS, epoch - this.#epoch);
    for (let i = 1; i <= steps; i++) {
      const index = slot(this.#epoch + i);
      this.#totalCalls -= this.#calls[index] as number;
      this.#totalRetries -= this.#retries[index] as number;
      this.#calls[index] = 0;
      this.#retries[index] = 0;
    }
    this.#epoch = epoch;
    this.#index = slot(epoch);
    this.#endsAt = (epoch + 1) * this.#bucketMs;
  }
}

function slot(epoch: number): number {
  return ((epoch % BUCKETS) + BUCKETS) % BUCKETS;
}
