import {
  type Backoff,
  type Clock,
  type ExecutionContext,
  isNonRetryable,
  MAX_DELAY_MS,
  type Outcome,
  optionChecker,
  type Random,
  retryAfterOf,
} from '@sentinel/core';
import { isRetryBudget, type RetryBudget } from '../budget/retry-budget.ts';
import { fullJitter } from '../schedules/modifiers.ts';
import { exponential } from '../schedules/shapes.ts';

/** Options of `retry()`. Every one is optional. */
export interface RetryOptions {
  /**
   * Attempts in all, the first included: an integer >= 1, or `Infinity` together with a finite
   * `maxElapsedMs`.
   * @default 3
   */
  readonly maxAttempts?: number | undefined;
  /**
   * The delay before each retry, given the attempt that failed (1 for the first).
   * @default fullJitter(exponential({ initialMs: 100, factor: 2, maxMs: 30_000 }))
   */
  readonly backoff?: Backoff | undefined;
  /**
   * Whether an attempt's outcome should be retried, given that attempt's context. Return `true`
   * for a resolved value to treat it as a failure (an HTTP 503). Not consulted once the caller's
   * signal has aborted: nothing is retried after that.
   * @default retries thrown errors except those marked with `markNonRetryable`; resolved values succeed
   */
  readonly shouldRetry?: ((outcome: Outcome<unknown>, context: ExecutionContext) => boolean) | undefined;
  /**
   * A hint of how long to wait before retrying this outcome, in milliseconds, or `undefined` for
   * none (a value that is not a number >= 0 counts as none). A hint longer than the backoff's delay
   * replaces it; one longer than `maxRetryAfterMs` ends the retries. A `RejectedError`'s own
   * `retryAfterMs` (an open breaker) counts whatever this returns: the larger hint wins.
   * @default outcome => outcome.ok ? undefined : retryAfterOf(outcome.error)
   */
  readonly retryAfter?: ((outcome: Outcome<unknown>) => number | undefined) | undefined;
  /**
   * The longest hint worth waiting for, in milliseconds. A longer one (a breaker open for a
   * minute, a server asking for an hour) gives up at once with the last outcome.
   * @default 30_000
   */
  readonly maxRetryAfterMs?: number | undefined;
  /**
   * A deadline for the whole call, from the first attempt's start, in milliseconds. No wait or
   * attempt starts that would end past it; the next attempt is assumed to take as long as the
   * last one did. A number > 0 or `Infinity`; `0` is refused (it would stop every retry on a real
   * clock): for no retries, use `maxAttempts: 1`.
   * @default Infinity
   */
  readonly maxElapsedMs?: number | undefined;
  /**
   * A retry budget shared with other policies (see `retryBudget()`): when it is spent, retries are
   * skipped but first attempts still run.
   * @default undefined (no budget)
   */
  readonly budget?: RetryBudget | undefined;
  /**
   * Where time is read and waited on.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
  /**
   * The jitter source handed to the backoff.
   * @default systemRandom
   */
  readonly random?: Random | undefined;
}

/** The validated options, with defaults filled in. */
export interface RetrySettings {
  readonly maxAttempts: number;
  readonly backoff: Backoff;
  readonly shouldRetry: (outcome: Outcome<unknown>, context: ExecutionContext) => boolean;
  readonly retryAfter: (outcome: Outcome<unknown>) => number | undefined;
  readonly maxRetryAfterMs: number;
  readonly maxElapsedMs: number;
  readonly budget: RetryBudget | undefined;
  readonly clock: Clock;
  readonly random: Random;
}

/** Retries thrown errors unless marked non-retryable; a resolved value is a success. */
export const defaultShouldRetry = (outcome: Outcome<unknown>): boolean => !outcome.ok && !isNonRetryable(outcome.error);

/** Reads an error's `retryAfterMs` (an open breaker's, a full limiter's, an HTTP error's Retry-After). */
export const defaultRetryAfter = (outcome: Outcome<unknown>): number | undefined =>
  outcome.ok ? undefined : retryAfterOf(outcome.error);

/** Shared by every policy that keeps the default, so a policy costs no closure for it. */
export const defaultBackoff: Backoff = fullJitter(exponential({ initialMs: 100, factor: 2, maxMs: 30_000 }));

const KNOWN = [
  'maxAttempts',
  'backoff',
  'shouldRetry',
  'retryAfter',
  'maxRetryAfterMs',
  'maxElapsedMs',
  'budget',
  'clock',
  'random',
] as const;

const check = optionChecker('retry');

function finiteAttempts(value: unknown): number {
  if (value === undefined) return 3;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  return check.fail('maxAttempts', value, 'an integer >= 1 (Infinity only together with a finite maxElapsedMs)');
}

/** Validates `options` and fills in the defaults; throws a ConfigError naming the first bad option. */
export function resolveRetryOptions(options: RetryOptions | undefined): RetrySettings {
  const opts = check.options(options, KNOWN);
  // 0 is refused with its own message: a deadline of 0 would stop every retry on a real clock,
  // and "no retries" is said with maxAttempts: 1.
  if (opts.maxElapsedMs === 0) {
    check.fail('maxElapsedMs', opts.maxElapsedMs, 'a number > 0 (or Infinity); for no retries, use maxAttempts: 1');
  }
  const maxElapsedMs = check.duration(
    'maxElapsedMs',
    opts.maxElapsedMs,
    { greaterThan: 0, allowInfinity: true },
    Infinity,
  );
  // Without a deadline Infinity is refused, so the message must not offer it unconditionally.
  const maxAttempts =
    maxElapsedMs === Infinity
      ? finiteAttempts(opts.maxAttempts)
      : check.integer('maxAttempts', opts.maxAttempts, { min: 1, allowInfinity: true }, 3);
  const budget = opts.budget;
  if (budget !== undefined && !isRetryBudget(budget)) check.fail('budget', budget, 'a RetryBudget (see retryBudget())');
  const clock = check.clock('clock', opts.clock);
  return {
    maxAttempts,
    backoff: check.function<Backoff>('backoff', opts.backoff, defaultBackoff),
    shouldRetry: check.function('shouldRetry', opts.shouldRetry, defaultShouldRetry),
    retryAfter: check.function('retryAfter', opts.retryAfter, defaultRetryAfter),
    maxRetryAfterMs: check.duration('maxRetryAfterMs', opts.maxRetryAfterMs, { max: MAX_DELAY_MS }, 30_000),
    maxElapsedMs,
    budget,
    clock,
    random: check.random('random', opts.random),
  };
}
