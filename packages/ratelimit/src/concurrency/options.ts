import { type Clock, optionChecker } from '@sentinel/core';

/** Options of {@link concurrency}. */
export interface ConcurrencyOptions {
  /** How many calls may run at once. An integer >= 1. */
  readonly max: number;
  /**
   * How many calls may wait for a slot; more are rejected at once with a `RateLimitedError`
   * (`reason: 'queue-full'`). An integer >= 0 (or Infinity).
   * @default Infinity
   */
  readonly maxQueue?: number | undefined;
  /**
   * Where waits with `maxWaitMs` are timed.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

export interface ResolvedConcurrencyOptions {
  readonly max: number;
  readonly maxQueue: number;
  readonly clock: Clock;
}

const check = optionChecker('concurrency');

export function resolveConcurrencyOptions(options: ConcurrencyOptions): ResolvedConcurrencyOptions {
  const opts = check.options(options, ['max', 'maxQueue', 'clock']);
  const max = check.number('max', opts.max, { integer: true, min: 1 });
  const maxQueue = check.number(
    'maxQueue',
    opts.maxQueue,
    { integer: true, min: 0, allowInfinity: true },
    Number.POSITIVE_INFINITY,
  );
  const clock = check.clock('clock', opts.clock);
  return { max, maxQueue, clock };
}
