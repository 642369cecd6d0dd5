import { type Clock, systemClock } from '@sentinel/core';

/**
 * A clock whose `now()` is comparable across worker threads and processes on one machine:
 * `performance.timeOrigin + performance.now()` (milliseconds since the Unix epoch, monotonic
 * within a thread). Each thread's plain `performance.now()` counts from that thread's own start,
 * so it cannot be shared; this one can. Sleeps are `systemClock`'s (unref'd timers).
 */
export const epochClock: Clock = Object.freeze({
  now: () => performance.timeOrigin + systemClock.now(),
  sleep: (ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal),
});
