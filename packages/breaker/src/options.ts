import {
  type Backoff,
  type Clock,
  MAX_DELAY_MS,
  type OptionChecker,
  type OutcomePredicate,
  optionChecker,
  type Random,
  reportListenerError,
  systemClock,
  systemRandom,
} from '@sentinel/core';
import type { CircuitBreakerSnapshot } from './snapshot.ts';
import { consecutive } from './triggers/consecutive.ts';
import type { Trigger } from './triggers/trigger.ts';

/** Options of `circuitBreaker()`. */
export interface CircuitBreakerOptions {
  /**
   * When to open: `consecutive({ threshold })`, `countWindow({ ... })` or `timeWindow({ ... })`.
   * @default consecutive({ threshold: 5 })
   */
  readonly trigger?: Trigger | undefined;
  /**
   * How long the breaker stays open before it lets probes through: milliseconds (0 to 2^31 − 1),
   * or a `Backoff` `(attempt, previousDelayMs, random) => ms` called with the number of opens in
   * a row, so the open period can grow while probes keep failing. A backoff's result is clamped
   * to [0, 2^31 − 1] (NaN counts as 0).
   * @default 10_000
   */
  readonly halfOpenAfter?: number | Backoff | undefined;
  /**
   * Most probes in flight at once while half-open: an integer >= 1. Other calls are rejected.
   * @default 1
   */
  readonly halfOpenMaxCalls?: number | undefined;
  /**
   * Successful probes needed to close: an integer >= 1. One failed probe re-opens.
   * @default 1
   */
  readonly halfOpenSuccesses?: number | undefined;
  /**
   * A probe still unsettled after this many milliseconds counts as a failed probe (noticed the
   * next time the breaker is used), so a lost permit or a hung call can never wedge the breaker
   * half-open: a number > 0.
   * @default 60_000
   */
  readonly halfOpenProbeTimeoutMs?: number | undefined;
  /**
   * Whether an outcome counts as a failure.
   * @default (outcome) => !outcome.ok: thrown errors fail, resolved values succeed
   */
  readonly isFailure?: OutcomePredicate | undefined;
  /**
   * Outcomes that count neither way (an HTTP 404, a validation error). Checked before
   * `isFailure`. Calls whose caller's signal was aborted are always ignored.
   * @default () => false
   */
  readonly isIgnored?: OutcomePredicate | undefined;
  /** @default systemClock */
  readonly clock?: Clock | undefined;
  /**
   * Passed to a backoff `halfOpenAfter` for jitter.
   * @default systemRandom
   */
  readonly random?: Random | undefined;
  /** A `toJSON()` snapshot to start from (a breaker restored after a restart). */
  readonly initialState?: CircuitBreakerSnapshot | undefined;
}

/** The validated options a breaker runs with. */
export interface BreakerConfig {
  readonly trigger: Trigger;
  readonly halfOpenAfter: number | Backoff;
  readonly halfOpenMaxCalls: number;
  readonly halfOpenSuccesses: number;
  readonly halfOpenProbeTimeoutMs: number;
  readonly isFailure: OutcomePredicate;
  readonly isIgnored: OutcomePredicate;
  /** Both predicates are the defaults: no outcome object has to be built. */
  readonly defaultPredicates: boolean;
  readonly clock: Clock;
  readonly random: Random;
  readonly slowCallMs: number | undefined;
}

const KNOWN = [
  'trigger',
  'halfOpenAfter',
  'halfOpenMaxCalls',
  'halfOpenSuccesses',
  'halfOpenProbeTimeoutMs',
  'isFailure',
  'isIgnored',
  'clock',
  'random',
  'initialState',
];

const check: OptionChecker = optionChecker('circuitBreaker');
const DEFAULT_HALF_OPEN_AFTER = 10_000;
/** A count the breaker compares against: past 2^53 − 1, `++n` stops growing and the count could never be reached. */
const COUNT = Object.freeze({ min: 1, max: Number.MAX_SAFE_INTEGER });
const defaultTrigger = consecutive({ threshold: 5 });
const defaultIsFailure: OutcomePredicate = (outcome) => !outcome.ok;
const defaultIsIgnored: OutcomePredicate = () => false;

export function resolveOptions(options: CircuitBreakerOptions | undefined): BreakerConfig {
  const opts = check.options(options, KNOWN);
  const trigger = opts.trigger ?? defaultTrigger;
  if (typeof trigger !== 'object' || trigger === null || typeof (trigger as Partial<Trigger>).create !== 'function') {
    check.fail('trigger', trigger, 'a trigger: consecutive(...), countWindow(...) or timeWindow(...)');
  }
  const halfOpenAfter =
    typeof opts.halfOpenAfter === 'function'
      ? opts.halfOpenAfter
      : // + 0 turns -0 into 0, which JSON cannot tell apart: a snapshot must read back unchanged.
        check.duration('halfOpenAfter', opts.halfOpenAfter, { max: MAX_DELAY_MS }, DEFAULT_HALF_OPEN_AFTER) + 0;
  const isFailure = check.function<OutcomePredicate>('isFailure', opts.isFailure, defaultIsFailure);
  const isIgnored = check.function<OutcomePredicate>('isIgnored', opts.isIgnored, defaultIsIgnored);
  const clock = opts.clock ?? systemClock;
  if (typeof clock?.now !== 'function') check.fail('clock', clock, 'a Clock (an object with now() and sleep())');
  return {
    trigger,
    halfOpenAfter,
    halfOpenMaxCalls: check.integer('halfOpenMaxCalls', opts.halfOpenMaxCalls, { min: 1 }, 1),
    halfOpenSuccesses: check.integer('halfOpenSuccesses', opts.halfOpenSuccesses, COUNT, 1),
    halfOpenProbeTimeoutMs: check.duration(
      'halfOpenProbeTimeoutMs',
      opts.halfOpenProbeTimeoutMs,
      { greaterThan: 0, max: MAX_DELAY_MS },
      60_000,
    ),
    isFailure,
    isIgnored,
    defaultPredicates: isFailure === defaultIsFailure && isIgnored === defaultIsIgnored,
    clock,
    random: check.function('random', opts.random, systemRandom),
    slowCallMs: trigger.slowCallMs,
  };
}

/** The open period for the `attempt`-th open in a row. */
export function openPeriod(config: BreakerConfig, attempt: number, previousDelayMs: number): number {
  const after = config.halfOpenAfter;
  if (typeof after === 'number') return after;
  let ms: number;
  try {
    ms = after(attempt, previousDelayMs, config.random);
  } catch (error) {
    // The breaker must still open: report the bug where it can be seen and reuse the last period.
    reportListenerError(error);
    ms = previousDelayMs > 0 ? previousDelayMs : DEFAULT_HALF_OPEN_AFTER;
  }
  return ms > 0 ? Math.min(ms, MAX_DELAY_MS) : 0; // NaN, negatives and -0 all give 0
}
