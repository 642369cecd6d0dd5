import { optionChecker } from '@sentinel/core';
import { checkRate, checkSlowCalls, SLOW_CALL_KEYS, type SlowCallOptions, shouldOpen } from './slow-calls.ts';
import { metricsOf, type Trigger, type TriggerMetrics, type TriggerSnapshot, type TriggerWindow } from './trigger.ts';

/** Options of {@link timeWindow}. */
export interface TimeWindowOptions extends SlowCallOptions {
  /** How far back the window looks, in milliseconds: a number >= 1. */
  readonly windowMs: number;
  /**
   * How many buckets the window is cut into: an integer in [1, 1000]. A bucket of
   * `windowMs / buckets` ms leaves the window as a whole, so more buckets mean a smoother slide.
   * @default 10
   */
  readonly buckets?: number | undefined;
  /** Opens the breaker when at least this fraction of the calls in the window failed: a number in (0, 1]. */
  readonly failureRate: number;
  /**
   * No decision is made before the window holds this many calls: an integer >= 1.
   * @default 10
   */
  readonly minimumThroughput?: number | undefined;
}

/** The `timeWindow` trigger: its options, for tools and tests. */
export interface TimeWindowTrigger extends Trigger {
  readonly kind: 'timeWindow';
  readonly windowMs: number;
  readonly buckets: number;
  readonly failureRate: number;
  readonly minimumThroughput: number;
  readonly slowCallRate: number | undefined;
}

const check = optionChecker('timeWindow');
// Stride of the counters array: calls, failures, slow calls per bucket.
const STRIDE = 3;

/**
 * Opens when the failure rate (or the slow-call rate) over the last `windowMs` milliseconds
 * reaches its threshold, once at least `minimumThroughput` calls were seen in that time. Buckets
 * live in one `Uint32Array` and rotate when a call is recorded or the metrics are read, from the
 * time the breaker's clock gives: there is no timer.
 *
 * @throws ConfigError for a windowMs < 1, buckets outside [1, 1000], a rate outside (0, 1], or
 * minimumThroughput < 1.
 */
export function timeWindow(options: TimeWindowOptions): TimeWindowTrigger {
  const opts = check.options(options, ['windowMs', 'buckets', 'failureRate', 'minimumThroughput', ...SLOW_CALL_KEYS]);
  // At least 1 ms: a window so short that `now / bucketMs` overflows would never rotate, never forget.
  const windowMs = check.duration('windowMs', opts.windowMs, { min: 1 });
  const buckets = check.integer('buckets', opts.buckets, { min: 1, max: 1_000 }, 10);
  const failureRate = checkRate(check, 'failureRate', opts.failureRate);
  const minimumThroughput = check.integer(
    'minimumThroughput',
    opts.minimumThroughput,
    {
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
    },
    10,
  );
  const slow = checkSlowCalls(check, opts);
  return Object.freeze({
    kind: 'timeWindow' as const,
    windowMs,
    buckets,
    failureRate,
    minimumThroughput,
    slowCallMs: slow.slowCallMs,
    slowCallRate: slow.slowCallMs === undefined ? undefined : slow.slowCallRate,
    needsTime: true,
    create: () => new TimeWindow(windowMs, buckets, failureRate, minimumThroughput, slow),
  });
}

class TimeWindow implements TriggerWindow {
  readonly #windowMs: number;
  readonly #bucketMs: number;
  readonly #counts: Uint32Array;
  readonly #failureRate: number;
  readonly #minimumThroughput: number;
  readonly #slow: { slowCallMs: number | undefined; slowCallRate: number };
  /** Index of the newest bucket, and the time slot (now / bucketMs) it stands for. */
  #head = 0;
  #headSlot: number | undefined;
  #calls = 0;
  #failures = 0;
  #slowCalls = 0;

  constructor(
    windowMs: number,
    buckets: number,
    failureRate: number,
    minimumThroughput: number,
    slow: { slowCallMs: number | undefined; slowCallRate: number },
  ) {
    this.#windowMs = windowMs;
    this.#bucketMs = windowMs / buckets;
    this.#counts = new Uint32Array(buckets * STRIDE);
    this.#failureRate = failureRate;
    this.#minimumThroughput = minimumThroughput;
    this.#slow = slow;
  }

  record(failed: boolean, slow: boolean, now: number): boolean {
    this.#rotate(now);
    const at = this.#head * STRIDE;
    const counts = this.#counts;
    counts[at] = (counts[at] as number) + 1;
    this.#calls++;
    if (failed) {
      counts[at + 1] = (counts[at + 1] as number) + 1;
      this.#failures++;
    }
    if (slow) {
      counts[at + 2] = (counts[at + 2] as number) + 1;
      this.#slowCalls++;
    }
    return (
      this.#calls >= this.#minimumThroughput &&
      shouldOpen(this.#calls, this.#failures, this.#slowCalls, this.#failureRate, this.#slow)
    );
  }

  reset(): void {
    this.#counts.fill(0);
    this.#calls = 0;
    this.#failures = 0;
    this.#slowCalls = 0;
  }

  metrics(now: number): TriggerMetrics {
    this.#rotate(now);
    return metricsOf(this.#calls, this.#failures, this.#slowCalls);
  }

  /** Buckets oldest first, each `[calls, failures, slowCalls]`; the last one is the current bucket. */
  snapshot(now: number): TriggerSnapshot {
    this.#rotate(now);
    const n = this.#counts.length / STRIDE;
    const buckets: number[][] = [];
    for (let i = 1; i <= n; i++) {
      const at = ((this.#head + i) % n) * STRIDE;
      buckets.push([this.#counts[at] as number, this.#counts[at + 1] as number, this.#counts[at + 2] as number]);
    }
    return { kind: 'timeWindow', windowMs: this.#windowMs, buckets };
  }

  restore(snapshot: unknown, now: number): void {
    const { windowMs, buckets } = snapshot as { windowMs?: unknown; buckets?: unknown };
    const fail = optionChecker('circuitBreaker').fail;
    const n = this.#counts.length / STRIDE;
    if (windowMs !== this.#windowMs) fail('initialState.window.windowMs', windowMs, `${this.#windowMs} (the window's)`);
    const valid =
      Array.isArray(buckets) &&
      buckets.length === n &&
      buckets.every(
        (b) =>
          Array.isArray(b) &&
          b.length === STRIDE &&
          b.every((c) => Number.isInteger(c) && c >= 0 && c <= 0xffff_ffff) &&
          b[1] <= b[0] &&
          b[2] <= b[0],
      );
    if (!valid) fail('initialState.window.buckets', buckets, `${n} buckets of [calls, failures, slowCalls]`);
    this.reset();
    this.#rotate(now);
    (buckets as number[][]).forEach((bucket, i) => {
      const at = ((this.#head + 1 + i) % n) * STRIDE;
      this.#counts.set(bucket, at);
      this.#calls += bucket[0] as number;
      this.#failures += bucket[1] as number;
      this.#slowCalls += bucket[2] as number;
    });
  }

  /** Clears the buckets that fell out of the window since the last call; cost O(buckets passed). */
  #rotate(now: number): void {
    const slot = Math.floor(now / this.#bucketMs);
    const headSlot = this.#headSlot;
    if (headSlot === undefined) {
      this.#headSlot = slot;
      return;
    }
    if (slot <= headSlot) return;
    const counts = this.#counts;
    const n = counts.length / STRIDE;
    const steps = Math.min(slot - headSlot, n);
    let head = this.#head;
    for (let i = 0; i < steps; i++) {
      head = head + 1 === n ? 0 : head + 1;
      const at = head * STRIDE;
      this.#calls -= counts[at] as number;
      this.#failures -= counts[at + 1] as number;
      this.#slowCalls -= counts[at + 2] as number;
      counts[at] = 0;
      counts[at + 1] = 0;
      counts[at + 2] = 0;
    }
    this.#head = head;
    this.#headSlot = slot;
  }
}
