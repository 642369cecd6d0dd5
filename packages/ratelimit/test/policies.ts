// Shared by the conformance tests: every policy and limiter @sentinel/ratelimit exports, and
// every other export.
import type { Policy } from '@sentinel/core';
import type { ManualClock } from '@sentinel/core/testing';
import * as ratelimit from '../src/index.ts';
import type { AcquireOptions } from '../src/limiter.ts';

/** Something with a status (sync or, for Redis limiters, async) that a refused call must not change. */
export interface WithStatus {
  status?: () => unknown;
}

export interface PolicyCase {
  readonly name: string;
  /** Builds the policy on `clock`, possibly already in use (full, with waiters). */
  readonly make: (clock: ManualClock) => Policy & WithStatus;
}

export interface LimiterCase {
  readonly name: string;
  /** Builds the limiter on `clock`, possibly already in use, with `acquire` as `ratelimit.Limiter`'s. */
  readonly make: (clock: ManualClock) => WithStatus & {
    acquire(n?: number, options?: AcquireOptions): Promise<void>;
  };
}

const bucket = (clock: ManualClock, initialTokens?: number) =>
  ratelimit.tokenBucket({ capacity: 2, refillPerSecond: 1, initialTokens, clock });

/** A bulkhead whose only slot is held, with one caller already waiting behind it. */
function fullBulkhead(clock: ManualClock) {
  const bulkhead = ratelimit.concurrency({ max: 1, clock });
  bulkhead.tryAcquire();
  void bulkhead.acquire().catch(() => {});
  return bulkhead;
}

// Every export of the package index that makes a policy, by export name.
export const POLICIES: Record<string, readonly PolicyCase[]> = {
  rateLimit: [
    { name: 'rateLimit(tokenBucket), tokens free', make: (clock) => ratelimit.rateLimit({ limiter: bucket(clock) }) },
    {
      name: 'rateLimit(tokenBucket), empty',
      make: (clock) => ratelimit.rateLimit({ limiter: bucket(clock, 0), clock }),
    },
    {
      name: 'rateLimit(tokenBucket), reject mode',
      make: (clock) => ratelimit.rateLimit({ limiter: bucket(clock), mode: 'reject' }),
    },
    {
      name: 'rateLimit(slidingWindow)',
      make: (clock) => ratelimit.rateLimit({ limiter: ratelimit.slidingWindow({ limit: 1, windowMs: 100, clock }) }),
    },
    {
      name: 'rateLimit(concurrency), slot free',
      make: (clock) => ratelimit.rateLimit({ limiter: ratelimit.concurrency({ max: 1, clock }) }),
    },
    {
      name: 'rateLimit(sharedTokenBucket)',
      make: (clock) =>
        ratelimit.rateLimit({ limiter: ratelimit.sharedTokenBucket({ capacity: 1, refillPerSecond: 1, clock }) }),
    },
  ],
  concurrency: [
    { name: 'concurrency, slot free', make: (clock) => ratelimit.concurrency({ max: 2, clock }) },
    { name: 'concurrency, full with a waiter', make: fullBulkhead },
  ],
  adaptiveConcurrency: [
    { name: 'adaptiveConcurrency (aimd)', make: (clock) => ratelimit.adaptiveConcurrency({ clock }) },
    {
      name: 'adaptiveConcurrency (gradient, queue 0)',
      make: (clock) => ratelimit.adaptiveConcurrency({ algorithm: 'gradient', maxQueue: 0, clock }),
    },
  ],
};

// Every export of the package index that makes a limiter (acquire with a signal), by export name.
export const LIMITERS: Record<string, readonly LimiterCase[]> = {
  tokenBucket: [
    { name: 'tokenBucket, full', make: (clock) => bucket(clock) },
    { name: 'tokenBucket, empty', make: (clock) => bucket(clock, 0) },
  ],
  slidingWindow: [
    { name: 'slidingWindow', make: (clock) => ratelimit.slidingWindow({ limit: 2, windowMs: 10, clock }) },
  ],
  concurrency: [
    { name: 'concurrency.acquire, slot free', make: (clock) => ratelimit.concurrency({ max: 1, clock }) },
    { name: 'concurrency.acquire, full with a waiter', make: fullBulkhead },
  ],
  sharedTokenBucket: [
    {
      name: 'sharedTokenBucket',
      make: (clock) => ratelimit.sharedTokenBucket({ capacity: 1, refillPerSecond: 1, clock }),
    },
  ],
  keyed: [
    {
      name: 'keyed(tokenBucket) at maxKeys',
      make: (clock) => {
        const limiters = ratelimit.keyed({ create: () => bucket(clock), maxKeys: 1, clock });
        limiters.get('other');
        return {
          acquire: (n, options) => limiters.acquire('key', n, options),
          // Which keys exist is part of what a refused call must not change.
          status: () => ({ ...limiters.status(), other: limiters.has('other'), key: limiters.has('key') }),
        };
      },
    },
  ],
};

// Everything else the index exports; a new export must be put in one of the lists.
export const OTHERS = ['MAX_WINDOW_LIMIT', 'RateLimitedError', 'epochClock', 'isRateLimitedError'];
