import { ConfigError, markNonRetryable } from '@sentinel/core';

/**
 * Checks a permit count passed at a call. A count above the limiter's capacity could never be
 * granted, so it is refused at once rather than waiting forever. The error is marked
 * non-retryable: retrying the same call cannot help.
 */
export function permitError(owner: string, n: unknown, max: number): ConfigError | undefined {
  if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max) return undefined;
  // "between 1 and 1" says one thing twice: a capacity of 1 admits exactly 1.
  const expected = max === 1 ? '1 (the capacity)' : `an integer between 1 and ${max} (the capacity)`;
  return markNonRetryable(new ConfigError({ owner, option: 'n', value: n, expected }));
}

/** Checks an `acquire` call's `maxWaitMs`. */
export function maxWaitError(owner: string, value: unknown): ConfigError | undefined {
  if (value === undefined || (typeof value === 'number' && value >= 0)) return undefined;
  return markNonRetryable(
    new ConfigError({ owner, option: 'maxWaitMs', value, expected: 'a number >= 0 (or Infinity)' }),
  );
}

/** A settled promise shared by every immediate grant: awaiting it allocates nothing new. */
export const GRANTED: Promise<void> = Promise.resolve();

/**
 * Checks `pauseUntil(time)`: a finite clock time. `Infinity` is refused rather than taken as
 * "forever": a status would have to report it, and `JSON.stringify` turns it into `null`, which
 * reads as "not paused".
 */
export function checkPauseTime(owner: string, time: unknown): number {
  if (typeof time === 'number' && Number.isFinite(time)) return time;
  throw new ConfigError({ owner: `${owner}.pauseUntil`, option: 'time', value: time, expected: 'a finite number' });
}

/** Checks `penalize(ms)`: a finite number of milliseconds >= 0. */
export function checkPenalty(owner: string, ms: unknown): number {
  if (typeof ms === 'number' && Number.isFinite(ms) && ms >= 0) return ms;
  throw new ConfigError({ owner: `${owner}.penalize`, option: 'ms', value: ms, expected: 'a finite number >= 0' });
}
