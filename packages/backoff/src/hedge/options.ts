import {
  type Clock,
  type ExecutionContext,
  isNonRetryable,
  MAX_DELAY_MS,
  type Outcome,
  optionChecker,
  type Random,
} from '@sentinel/core';
import { isRetryBudget, type RetryBudget } from '../budget/retry-budget.ts';

/**
 * Hedge once a call has taken longer than a percentile of the latencies of recent calls (the
 * policy measures them): `{ percentile: 95 }` hedges the slowest 5 % of calls ("The Tail at
 * Scale"). A call's latency runs from its start to its winning value, so a call a hedge rescued
 * counts with the time it really took and the estimate does not drift down.
 */
export interface PercentileDelay {
  /** The percentile, in (0, 100]: 95 waits as long as 95 % of recent calls took. */
  readonly percentile: number;
  /**
   * How many recent latencies are kept (16 bytes each, allocated once): an integer from 1 to 100,000.
   * @default 1_000
   */
  readonly window?: number | undefined;
  /**
   * Fewer latencies than this and the policy uses `initialMs` instead: an integer from 1 to `window`.
   * @default 20 (or `window`, when smaller)
   */
  readonly minSamples?: number | undefined;
  /**
   * The delay until `minSamples` latencies are known, in ms (or `Infinity`: no hedge on time
   * until then, only after a failure).
   * @default Infinity
   */
  readonly initialMs?: number | undefined;
}

/**
 * How long to wait, from the start of the latest attempt, before the next hedge: a number of
 * milliseconds; a function of the 1-based number of the hedge about to start (every backoff
 * schedule of this package is one: it is called as `(hedge, previousDelayMs, random)`); or a
 * {@link PercentileDelay}. `Infinity` means never on time: hedge only after a failure.
 */
export type HedgeDelay =
  | number
  | ((hedge: number, previousDelayMs: number, random: Random) => number)
  | PercentileDelay;

/** Options of `hedge()`. */
export interface HedgeOptions {
  /**
   * Hedged attempts allowed per call, beyond the primary: the work runs at most
   * `1 + maxHedges` times per call. An integer from 0 (never hedge) to 10.
   * @default 1
   */
  readonly maxHedges?: number | undefined;
  /** When the next hedge starts; see {@link HedgeDelay}. Required. */
  readonly delayMs: HedgeDelay;
  /**
   * Whether an attempt's outcome is not acceptable, so the call waits for another attempt (and
   * starts the next hedge at once, if one may start) instead of settling with it. An outcome it
   * returns `false` for settles the call at once — a value, or an error worth no other attempt.
   * If it throws, the call rejects with that error.
   * @default thrown errors are hedged except those marked with `markNonRetryable`; values settle the call
   */
  readonly shouldHedge?: ((outcome: Outcome<unknown>, context: ExecutionContext) => boolean) | undefined;
  /**
   * A retry budget (see `retryBudget()`; shared with retries if you like): each call is recorded,
   * each hedge spends a retry, and a hedge the budget refuses does not start.
   * @default undefined (no budget)
   */
  readonly budget?: RetryBudget | undefined;
  /**
   * Where time is read and hedge delays are waited.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * The random source handed to a delay function (a jittered schedule).
   * @default systemRandom
   */
  readonly random?: Random | undefined;
}

/** A percentile delay with defaults filled in. */
export interface ResolvedPercentile {
  readonly percentile: number;
  readonly window: number;
  readonly minSamples: number;
  readonly initialMs: number;
}

/** The validated options, with defaults filled in. */
export interface HedgeSettings {
  readonly maxHedges: number;
  readonly delayMs: number | ((hedge: number, previousDelayMs: number, random: Random) => number) | ResolvedPercentile;
  readonly shouldHedge: (outcome: Outcome<unknown>, context: ExecutionContext) => boolean;
  readonly budget: RetryBudget | undefined;
  readonly clock: Clock;
  readonly random: Random;
}

/** The most hedges a call may start: beyond this a typo would multiply the load. */
export const MAX_HEDGES = 10;

/** Hedges thrown errors unless marked non-retryable; a value settles the call. */
export const defaultShouldHedge = (outcome: Outcome<unknown>): boolean => !outcome.ok && !isNonRetryable(outcome.error);

const check = optionChecker('hedge');

/** A delay in ms: 0 to 2^31 − 1 (a platform timer's range), or `Infinity` for "never on time". */
function delay(name: string, value: unknown, fallback?: number): number {
  if (value === Number.POSITIVE_INFINITY) return value;
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === 'number' && value >= 0 && value <= MAX_DELAY_MS) return value;
  return check.fail(name, value, 'a delay in ms between 0 and 2147483647, or Infinity');
}

function resolveDelay(value: unknown): HedgeSettings['delayMs'] {
  if (typeof value === 'number') return delay('delayMs', value);
  if (typeof value === 'function') return value as HedgeSettings['delayMs'];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return check.fail(
      'delayMs',
      value,
      'a delay in ms between 0 and 2147483647, or Infinity, a function (hedge) => ms, or { percentile }',
    );
  }
  const known = ['percentile', 'window', 'minSamples', 'initialMs'];
  for (const key of Object.keys(value)) {
    if (!known.includes(key))
      check.fail(`delayMs.${key}`, (value as Record<string, unknown>)[key], `one of ${known.join(', ')}`);
  }
  const p = value as Partial<PercentileDelay>;
  const percentile = check.number('delayMs.percentile', p.percentile, { greaterThan: 0, max: 100 });
  const window = check.integer('delayMs.window', p.window, { min: 1, max: 100_000 }, 1_000);
  return {
    percentile,
    window,
    minSamples: check.integer('delayMs.minSamples', p.minSamples, { min: 1, max: window }, Math.min(20, window)),
    initialMs: delay('delayMs.initialMs', p.initialMs, Number.POSITIVE_INFINITY),
  };
}

/** Validates `options` and fills in the defaults; throws a ConfigError naming the first bad option. */
export function resolveHedgeOptions(options: HedgeOptions): HedgeSettings {
  const opts = check.options(options, ['maxHedges', 'delayMs', 'shouldHedge', 'budget', 'clock', 'random']);
  const budget = opts.budget;
  if (budget !== undefined && !isRetryBudget(budget)) check.fail('budget', budget, 'a RetryBudget (see retryBudget())');
  return {
    maxHedges: check.integer('maxHedges', opts.maxHedges, { min: 0, max: MAX_HEDGES }, 1),
    delayMs: resolveDelay(opts.delayMs),
    shouldHedge: check.function('shouldHedge', opts.shouldHedge, defaultShouldHedge),
    budget,
    clock: check.clock('clock', opts.clock),
    random: check.random('random', opts.random),
  };
}
