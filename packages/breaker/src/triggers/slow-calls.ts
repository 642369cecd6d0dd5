import type { OptionChecker } from '@sentinel/core';

/** Slow-call detection, shared by the count and time windows (as in resilience4j). */
export interface SlowCallOptions {
  /**
   * A call that takes at least this many milliseconds counts as slow, whether it succeeded or
   * failed. Leave it out to disable slow-call detection (the breaker then never reads the clock
   * around a call in the closed state).
   * @default undefined (disabled)
   */
  readonly slowCallMs?: number | undefined;
  /**
   * Opens the breaker when at least this fraction of the calls in the window (once the minimum
   * is reached) were slow: a number in (0, 1]. Only used with `slowCallMs`.
   * @default 1 (every call in the window was slow)
   */
  readonly slowCallRate?: number | undefined;
}

export interface SlowCallRule {
  readonly slowCallMs: number | undefined;
  /** Infinity when detection is off, so `rate >= slowCallRate` is never true. */
  readonly slowCallRate: number;
}

export const SLOW_CALL_KEYS = ['slowCallMs', 'slowCallRate'] as const;

/** Rates are fractions: strictly above 0 (0 would open on an empty window) and at most 1. */
export function checkRate(check: OptionChecker, name: string, value: unknown, fallback?: number): number {
  return check.number(name, value, { greaterThan: 0, max: 1 }, fallback);
}

export function checkSlowCalls(check: OptionChecker, options: SlowCallOptions): SlowCallRule {
  const slowCallMs =
    options.slowCallMs === undefined ? undefined : check.duration('slowCallMs', options.slowCallMs, { greaterThan: 0 });
  const slowCallRate = checkRate(check, 'slowCallRate', options.slowCallRate, 1);
  if (slowCallMs === undefined && options.slowCallRate !== undefined) {
    check.fail('slowCallRate', options.slowCallRate, 'left out unless slowCallMs is set');
  }
  return { slowCallMs, slowCallRate: slowCallMs === undefined ? Number.POSITIVE_INFINITY : slowCallRate };
}

/** The decision both windows share once enough calls were seen. */
export function shouldOpen(
  calls: number,
  failures: number,
  slowCalls: number,
  failureRate: number,
  slow: SlowCallRule,
): boolean {
  // Division, not `failureRate * calls`: 3 / 10 === 0.3 while 0.3 * 10 > 3 in floating point.
  return failures / calls >= failureRate || slowCalls / calls >= slow.slowCallRate;
}
