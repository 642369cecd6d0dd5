import { type Backoff, MAX_DELAY_MS, type OptionChecker, optionChecker } from '@sentinel/core';

/*
 * The shapes of a schedule. Each factory validates its options once and returns a plain
 * function, so a schedule costs one closure and can be printed with `delays()`.
 */

/**
 * The same delay before every retry.
 *
 * @example
 * delays(constant(200), 3); // [200, 200, 200]
 * @throws ConfigError when `ms` is not a finite number >= 0.
 */
export function constant(ms: number): Backoff {
  const delay = optionChecker('constant').duration('ms', ms, { max: MAX_DELAY_MS });
  return () => delay;
}

/** Options of {@link linear}. */
export interface LinearOptions {
  /** The first delay, in milliseconds. */
  readonly initialMs: number;
  /**
   * Added to the delay for each further retry.
   * @default initialMs
   */
  readonly stepMs?: number | undefined;
}

/**
 * A delay growing by `stepMs` each retry: `initialMs + (attempt - 1) × stepMs`.
 *
 * @example
 * delays(linear({ initialMs: 100, stepMs: 50 }), 4); // [100, 150, 200, 250]
 * @throws ConfigError when `initialMs` or `stepMs` is not a finite number >= 0.
 */
export function linear(options: LinearOptions): Backoff {
  const check = optionChecker('linear');
  const opts = check.options(options, ['initialMs', 'stepMs']);
  const initialMs = check.duration('initialMs', opts.initialMs, { max: MAX_DELAY_MS });
  const stepMs = check.duration('stepMs', opts.stepMs, { max: MAX_DELAY_MS }, initialMs);
  return (attempt) => initialMs + (attempt - 1) * stepMs;
}

/** Options of {@link exponential}. */
export interface ExponentialOptions {
  /**
   * The first delay, in milliseconds.
   * @default 100
   */
  readonly initialMs?: number | undefined;
  /**
   * What each delay is multiplied by for the next retry; at least 1.
   * @default 2
   */
  readonly factor?: number | undefined;
  /**
   * The largest delay, in milliseconds; at least `initialMs`.
   * @default 30_000 (or `initialMs` when that is larger)
   */
  readonly maxMs?: number | undefined;
}

/**
 * A delay multiplied by `factor` each retry, up to `maxMs`: `min(maxMs, initialMs × factor^(attempt - 1))`.
 * Wrap it in {@link fullJitter} so that many clients failing together do not retry together.
 *
 * @example
 * delays(exponential({ initialMs: 100, factor: 2, maxMs: 1_000 }), 5); // [100, 200, 400, 800, 1000]
 * @throws ConfigError when a delay is negative or not finite, `factor` < 1, or `maxMs` < `initialMs`.
 */
export function exponential(options: ExponentialOptions = {}): Backoff {
  const check = optionChecker('exponential');
  const opts = check.options(options, ['initialMs', 'factor', 'maxMs']);
  const initialMs = check.duration('initialMs', opts.initialMs, { max: MAX_DELAY_MS }, 100);
  const factor = check.number('factor', opts.factor, { min: 1 }, 2);
  const maxMs = checkMaxMs(check, opts.maxMs, initialMs);
  // factor ** n overflows to Infinity for large n, which min() turns into maxMs: no loop. With
  // initialMs 0 that would be 0 × Infinity = NaN (from attempt 1025 at factor 2), so 0 stays 0.
  if (initialMs === 0) return () => 0;
  return (attempt) => Math.min(maxMs, initialMs * factor ** (attempt - 1));
}

/** Options of {@link decorrelatedJitter}. */
export interface DecorrelatedJitterOptions {
  /**
   * The smallest delay, in milliseconds; also the base of the first one.
   * @default 100
   */
  readonly initialMs?: number | undefined;
  /**
   * The largest delay, in milliseconds; at least `initialMs`.
   * @default 30_000 (or `initialMs` when that is larger)
   */
  readonly maxMs?: number | undefined;
}

/**
 * The "decorrelated jitter" of the AWS Architecture Blog's *Exponential Backoff and Jitter*: each
 * delay is drawn uniformly from `[initialMs, 3 × previous)` and capped at `maxMs`, where
 * `previous` is the delay it returned last time (`initialMs` before the first). Delays grow
 * roughly exponentially but never in lockstep across clients. It is already jittered: do not wrap
 * it in another jitter.
 *
 * @example
 * delays(decorrelatedJitter({ initialMs: 100, maxMs: 1_000 }), 3, { random: constantRandom(0.5) }); // [200, 350, 575]
 * @throws ConfigError when a delay is negative or not finite, or `maxMs` < `initialMs`.
 */
export function decorrelatedJitter(options: DecorrelatedJitterOptions = {}): Backoff {
  const check = optionChecker('decorrelatedJitter');
  const opts = check.options(options, ['initialMs', 'maxMs']);
  const initialMs = check.duration('initialMs', opts.initialMs, { max: MAX_DELAY_MS }, 100);
  const maxMs = checkMaxMs(check, opts.maxMs, initialMs);
  return (_attempt, previousDelayMs, random) => {
    const previous = Math.max(previousDelayMs, initialMs);
    return Math.min(maxMs, initialMs + random() * (previous * 3 - initialMs));
  };
}

/** `maxMs` defaults to 30 s (or `initialMs` when larger) and may not be below `initialMs`. */
function checkMaxMs(check: OptionChecker, value: unknown, initialMs: number): number {
  const maxMs = check.duration('maxMs', value, { max: MAX_DELAY_MS }, Math.max(30_000, initialMs));
  return maxMs >= initialMs ? maxMs : check.fail('maxMs', maxMs, `a number >= initialMs (${initialMs})`);
}
