import { ConfigError } from '../errors/errors.ts';

/**
 * Where every time-dependent piece of Sentinel reads time and waits. Production code uses
 * {@link systemClock}; tests pass a `ManualClock` from `@sentinel/core/testing` and advance time
 * by hand, so no test ever sleeps in real time.
 */
export interface Clock {
  /** Monotonic milliseconds from an arbitrary origin. Only differences are meaningful. */
  now(): number;
  /**
   * Resolves after `ms` milliseconds. Rejects at once with `signal.reason` when `signal` aborts
   * (or already has), and with a `ConfigError` when `ms` is negative or NaN.
   */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Optional fast path for deadlines: calls `callback` once after `ms` milliseconds unless the
   * returned function is called first. Policies that arm and cancel a timer on every call (a
   * timeout) use it when present, avoiding the AbortController a cancellable `sleep` needs;
   * without it they fall back to `sleep`. `ms` is clamped to [0, 2^31 − 1]; NaN or a value that
   * is not a number throws a `ConfigError` (a timer that can never fire would leak).
   */
  timer?(ms: number, callback: () => void): () => void;
}

/** The longest delay a platform timer accepts (2^31 − 1 ms, about 24.8 days); longer delays are clamped to it. */
export const MAX_DELAY_MS = 2_147_483_647;

/**
 * Checks a sleep's arguments the same way for every clock. Returns a rejection to hand back, or
 * `undefined` when the sleep may proceed.
 */
export function rejectInvalidSleep(
  owner: string,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<never> | undefined {
  if (typeof ms !== 'number' || !(ms >= 0)) {
    return Promise.reject(new ConfigError({ owner, option: 'ms', value: ms, expected: 'a number >= 0' }));
  }
  if (signal?.aborted) return Promise.reject(signal.reason);
  return undefined;
}
