import type { Backoff, Random } from '@sentinel/core';
import type { BackoffStrategy } from 'bullmq';

/** The backoff type jobs name to use the `backoff` option: `{ attempts: 5, backoff: { type: 'sentinel' } }`. */
export const SENTINEL_BACKOFF = 'sentinel';

/**
 * BullMQ's custom backoff strategy from a `@sentinel/backoff` shape. BullMQ asks for the delay
 * after `attemptsMade` failures; the shape wants the previous delay too, which another process
 * may have computed, so it is recomputed by walking the shape from the first attempt (jitter
 * differs, the schedule does not). Other types are not ours: BullMQ then fails the job, as it
 * would for an unknown type, so a typo never retries at a surprise pace.
 */
export function backoffStrategy(backoff: Backoff, random: Random): BackoffStrategy {
  return (attemptsMade, type) => {
    if (type !== SENTINEL_BACKOFF) return -1;
    let delay = 0;
    for (let attempt = 1; attempt <= attemptsMade; attempt++) delay = backoff(attempt, delay, random);
    return Number.isFinite(delay) && delay > 0 ? Math.ceil(delay) : 0;
  };
}
