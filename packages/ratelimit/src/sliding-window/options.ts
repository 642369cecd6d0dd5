import { type Clock, optionChecker } from '@sentinel/core';

/** The largest `limit`: the exact log keeps 8 bytes per permit in the window. */
export const MAX_WINDOW_LIMIT = 10_000_000;

/** Options of {@link slidingWindow}. */
export interface SlidingWindowOptions {
  /** Permits granted in any window of `windowMs`. An integer between 1 and 10,000,000. */
  readonly limit: number;
  /** The window length in milliseconds. A finite number > 0. */
  readonly windowMs: number;
  /**
   * The most callers that may wait in `acquire` at once. An integer >= 0 (or Infinity).
   * @default Infinity
   */
  readonly maxQueue?: number | undefined;
  /**
   * Where time is read and waited on.
   * @default systemClock
   */
  readonly clock?: Clock | undefined;
}

export interface ResolvedSlidingWindowOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly maxQueue: number;
  readonly clock: Clock;
}

const KEYS = ['limit', 'windowMs', 'maxQueue', 'clock'] as const;

const check = optionChecker('slidingWindow');

export function resolveSlidingWindowOptions(options: SlidingWindowOptions): ResolvedSlidingWindowOptions {
  const opts = check.options(options, KEYS);
  const limit = check.number('limit', opts.limit, { integer: true, min: 1, max: MAX_WINDOW_LIMIT });
  const windowMs = check.number('windowMs', opts.windowMs, { min: 0, greaterThan: 0 });
  const maxQueue = check.number(
    'maxQueue',
    opts.maxQueue,
    { integer: true, min: 0, allowInfinity: true },
    Number.POSITIVE_INFINITY,
  );
  const clock = check.clock('clock', opts.clock);
  return { limit, windowMs, maxQueue, clock };
}
