import { type Clock, isTimeoutError, type Outcome, optionChecker } from '@sentinel/core';

/** The limit algorithms of {@link AdaptiveConcurrencyOptions.algorithm}. */
export type AdaptiveAlgorithm = 'aimd' | 'gradient';

/** Options of `adaptiveConcurrency()`. Every one is optional. */
export interface AdaptiveConcurrencyOptions {
  /**
   * How the limit learns: `'aimd'` grows it by one per window of successful calls and shrinks it
   * by 10 % on an overload; `'gradient'` also shrinks it when latency rises (the dependency is
   * queueing), before any error.
   * @default 'aimd'
   */
  readonly algorithm?: AdaptiveAlgorithm | undefined;
  /**
   * The limit at start: an integer from `min` to `max`.
   * @default 20 (or `min`/`max` when 20 is outside them)
   */
  readonly initial?: number | undefined;
  /**
   * The lowest limit: an integer >= 1 (at least one call always runs, so the limit can learn).
   * @default 1
   */
  readonly min?: number | undefined;
  /**
   * The highest limit: an integer >= `min`.
   * @default 1_000
   */
  readonly max?: number | undefined;
  /**
   * Calls that may wait for a slot (in FIFO order); more are refused at once with a
   * `RateLimitedError` (`reason: 'queue-full'`). An integer >= 0, or `Infinity`.
   * @default Infinity
   */
  readonly maxQueue?: number | undefined;
  /**
   * Whether a call's outcome says the dependency is overloaded (the limit shrinks). A thrown
   * error that is not an overload, and any call whose caller aborted, teach the limit nothing.
   * If it throws, the error is reported (as a listener's would be) and the outcome is no overload.
   * @default an error with a numeric `status` of 429 or 503 (the client's `HttpError`), or a `TimeoutError`
   */
  readonly isOverload?: ((outcome: Outcome<unknown>) => boolean) | undefined;
  /**
   * Where call latencies are measured (by the gradient; AIMD reads no clock).
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

/** The validated options, with defaults filled in. */
export interface AdaptiveSettings {
  readonly algorithm: AdaptiveAlgorithm;
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  readonly maxQueue: number;
  readonly isOverload: (outcome: Outcome<unknown>) => boolean;
  readonly clock: Clock;
}

/**
 * An overload, as far as a package that knows no HTTP can tell: an error carrying a numeric
 * `status` of 429 (Too Many Requests) or 503 (Service Unavailable), or a core `TimeoutError`.
 */
export const defaultIsOverload = (outcome: Outcome<unknown>): boolean => {
  if (outcome.ok) return false;
  const error = outcome.error;
  if (isTimeoutError(error)) return true;
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return status === 429 || status === 503;
};

const check = optionChecker('adaptiveConcurrency');
const KNOWN = ['algorithm', 'initial', 'min', 'max', 'maxQueue', 'isOverload', 'clock'];

/** Validates `options` and fills in the defaults; throws a ConfigError naming the first bad option. */
export function resolveAdaptiveOptions(options: AdaptiveConcurrencyOptions | undefined): AdaptiveSettings {
  const opts = check.options(options, KNOWN);
  const min = check.integer('min', opts.min, { min: 1 }, 1);
  const max = check.integer('max', opts.max, { min }, Math.max(min, 1_000));
  const initial = check.integer('initial', opts.initial, { min, max }, Math.min(max, Math.max(min, 20)));
  return {
    algorithm: check.oneOf('algorithm', opts.algorithm, ['aimd', 'gradient'] as const, 'aimd'),
    initial,
    min,
    max,
    maxQueue: check.integer('maxQueue', opts.maxQueue, { min: 0, allowInfinity: true }, Number.POSITIVE_INFINITY),
    isOverload: check.function('isOverload', opts.isOverload, defaultIsOverload),
    clock: check.clock('clock', opts.clock),
  };
}
