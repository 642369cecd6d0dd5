import { optionChecker } from '@sentinel/core';
import { checkRate, checkSlowCalls, SLOW_CALL_KEYS, type SlowCallOptions, shouldOpen } from './slow-calls.ts';
import { metricsOf, type Trigger, type TriggerMetrics, type TriggerSnapshot, type TriggerWindow } from './trigger.ts';

/** Options of {@link countWindow}. */
export interface CountWindowOptions extends SlowCallOptions {
  /** How many of the most recent calls the window holds: an integer >= 1. */
  readonly size: number;
  /**
   * Opens the breaker when at least this fraction of the calls in the window failed: a number in
   * (0, 1] (0.5 is 50%).
   */
  readonly failureRate: number;
  /**
   * No decision is made before the window holds this many calls: an integer in [1, size].
   * @default size
   */
  readonly minimumCalls?: number | undefined;
}

/** The `countWindow` trigger: its options, for tools and tests. */
export interface CountWindowTrigger extends Trigger {
  readonly kind: 'countWindow';
  readonly size: number;
  readonly failureRate: number;
  readonly minimumCalls: number;
  readonly slowCallRate: number | undefined;
}

const check = optionChecker('countWindow');
const FAILED = 1;
const SLOW = 2;

/**
 * Opens when the failure rate (or the slow-call rate) over the last `size` calls reaches its
 * threshold, once at least `minimumCalls` calls were seen. The window is a ring of one byte per
 * call (a `Uint8Array`), so a window of 100 calls costs 100 bytes plus a few counters.
 *
 * @throws ConfigError for a size < 1, a rate outside (0, 1], or minimumCalls outside [1, size].
 */
export function countWindow(options: CountWindowOptions): CountWindowTrigger {
  const opts = check.options(options, ['size', 'failureRate', 'minimumCalls', ...SLOW_CALL_KEYS]);
  const size = check.integer('size', opts.size, { min: 1, max: 1_000_000 });
  const failureRate = checkRate(check, 'failureRate', opts.failureRate);
  const minimumCalls = check.integer('minimumCalls', opts.minimumCalls, { min: 1, max: size }, size);
  const slow = checkSlowCalls(check, opts);
  return Object.freeze({
    kind: 'countWindow' as const,
    size,
    failureRate,
    minimumCalls,
    slowCallMs: slow.slowCallMs,
    slowCallRate: slow.slowCallMs === undefined ? undefined : slow.slowCallRate,
    needsTime: false,
    create: () => new CountWindow(size, failureRate, minimumCalls, slow),
  });
}

class CountWindow implements TriggerWindow {
  readonly #ring: Uint8Array;
  readonly #failureRate: number;
  readonly #minimumCalls: number;
  readonly #slow: { slowCallMs: number | undefined; slowCallRate: number };
  #next = 0;
  #calls = 0;
  #failures = 0;
  #slowCalls = 0;

  constructor(
    size: number,
    failureRate: number,
    minimumCalls: number,
    slow: { slowCallMs: number | undefined; slowCallRate: number },
  ) {
    this.#ring = new Uint8Array(size);
    this.#failureRate = failureRate;
    this.#minimumCalls = minimumCalls;
    this.#slow = slow;
  }

  record(failed: boolean, slow: boolean): boolean {
    const ring = this.#ring;
    const at = this.#next;
    if (this.#calls === ring.length) {
      // Full: the oldest call (at the write position) leaves the window.
      const old = ring[at] as number;
      if ((old & FAILED) !== 0) this.#failures--;
      if ((old & SLOW) !== 0) this.#slowCalls--;
    } else {
      this.#calls++;
    }
    ring[at] = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    if (failed) this.#failures++;
    if (slow) this.#slowCalls++;
    this.#next = at + 1 === ring.length ? 0 : at + 1;
    return (
      this.#calls >= this.#minimumCalls &&
      shouldOpen(this.#calls, this.#failures, this.#slowCalls, this.#failureRate, this.#slow)
    );
  }

  reset(): void {
    this.#next = 0;
    this.#calls = 0;
    this.#failures = 0;
    this.#slowCalls = 0;
  }

  metrics(): TriggerMetrics {
    return metricsOf(this.#calls, this.#failures, this.#slowCalls);
  }

  /** Outcomes oldest first: 0 success, 1 failure, 2 slow success, 3 slow failure. */
  snapshot(): TriggerSnapshot {
    const ring = this.#ring;
    const outcomes: number[] = [];
    const start = this.#calls === ring.length ? this.#next : 0;
    for (let i = 0; i < this.#calls; i++) outcomes.push(ring[(start + i) % ring.length] as number);
    return { kind: 'countWindow', size: ring.length, outcomes };
  }

  restore(snapshot: unknown): void {
    const { size, outcomes } = snapshot as { size?: unknown; outcomes?: unknown };
    const fail = optionChecker('circuitBreaker').fail;
    if (size !== this.#ring.length) fail('initialState.window.size', size, `${this.#ring.length} (the window's size)`);
    if (
      !Array.isArray(outcomes) ||
      outcomes.length > this.#ring.length ||
      !outcomes.every((o) => o === 0 || o === 1 || o === 2 || o === 3)
    ) {
      fail('initialState.window.outcomes', outcomes, `an array of at most ${this.#ring.length} codes 0-3`);
    }
    this.reset();
    for (const code of outcomes as number[]) this.record((code & FAILED) !== 0, (code & SLOW) !== 0);
  }
}
