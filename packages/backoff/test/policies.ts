// Shared by the conformance tests: every policy @sentinel/backoff exports, and every other export.
import type { Policy } from '@sentinel/core';
import type { ManualClock } from '@sentinel/core/testing';
import * as backoff from '../src/index.ts';

export interface PolicyCase {
  readonly name: string;
  /** Builds the policy on `clock`; its `status` (when it has one) must not count a refused call. */
  readonly make: (clock: ManualClock) => Policy & { status?: () => unknown };
}

// Every export of the package index that makes a policy, by export name.
export const POLICIES: Record<string, readonly PolicyCase[]> = {
  retry: [
    { name: 'retry()', make: (clock) => backoff.retry({ clock }) },
    { name: 'retry with a deadline', make: (clock) => backoff.retry({ clock, maxElapsedMs: 1_000 }) },
    {
      name: 'retry with a budget and shouldRetry',
      make: (clock) => backoff.retry({ clock, budget: backoff.retryBudget({ clock }), shouldRetry: () => true }),
    },
  ],
  hedge: [
    { name: 'hedge (fixed delay)', make: (clock) => backoff.hedge({ delayMs: 10, clock }) },
    { name: 'hedge (no delay)', make: (clock) => backoff.hedge({ delayMs: 0, maxHedges: 2, clock }) },
    {
      name: 'hedge (percentile, budget)',
      make: (clock) =>
        backoff.hedge({ delayMs: { percentile: 90, initialMs: 5 }, budget: backoff.retryBudget({ clock }), clock }),
    },
  ],
};

// Everything else the index exports; a new export must be put in one list or the other.
export const NOT_POLICIES = [
  'AttemptSupersededError',
  'HedgeLostError',
  'capped',
  'constant',
  'decorrelatedJitter',
  'delays',
  'equalJitter',
  'exponential',
  'fullJitter',
  'isAttemptSupersededError',
  'isHedgeLostError',
  'linear',
  'retryBudget',
  'retryPresets',
];
