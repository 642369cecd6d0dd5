import { ConfigError } from '../errors/errors.ts';
import { type Clock, MAX_DELAY_MS, rejectInvalidSleep } from './clock.ts';

/**
 * The real clock: `performance.now()` for time and platform timers for sleeps. Its timers are
 * unref'd where the platform supports it, so a pending backoff never keeps a Node process alive,
 * and the abort listener of a sleep is removed as soon as the sleep settles.
 */
export const systemClock: Clock = Object.freeze({
  now: () => performance.now(),
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const invalid = rejectInvalidSleep('systemClock.sleep', ms, signal);
    if (invalid !== undefined) return invalid;
    if (ms === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject((signal as AbortSignal).reason);
      };
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(ms, MAX_DELAY_MS),
      );
      // Node returns a Timeout object with unref(); browsers and Deno return a number.
      if (typeof timer === 'object' && typeof (timer as { unref?: unknown }).unref === 'function') timer.unref();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  timer(ms: number, callback: () => void): () => void {
    // NaN would fire after ~1 ms here but never on a ManualClock: refused on both.
    if (typeof ms !== 'number' || Number.isNaN(ms)) {
      throw new ConfigError({
        owner: 'systemClock.timer',
        option: 'ms',
        value: ms,
        expected: 'a number (below 0 counts as 0)',
      });
    }
    const handle = setTimeout(callback, Math.min(Math.max(0, ms), MAX_DELAY_MS));
    if (typeof handle === 'object' && typeof (handle as { unref?: unknown }).unref === 'function') handle.unref();
    return () => clearTimeout(handle);
  },
});

/**
 * Calendar time in epoch milliseconds, for values that name a moment on the calendar (an
 * HTTP-date in `Retry-After`). Not monotonic — it jumps when the system clock is set — so never
 * use it for durations; that is what {@link Clock.now} is for. Take one as an option
 * (`wallClock?: WallClock`) so tests can fix the date.
 */
export type WallClock = () => number;

/** The platform's calendar time: `Date.now()`. */
export const systemWallClock: WallClock = () => Date.now();
