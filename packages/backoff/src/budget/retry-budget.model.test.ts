import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { retryBudget } from './retry-budget.ts';

/*
 * Model-based test: the ring of buckets must agree with a naive model that keeps every event
 * with its bucket number and counts those of the last ten buckets on each question.
 */
type Step = { kind: 'call' } | { kind: 'retry' } | { kind: 'wait'; ms: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'call' }),
  fc.constant<Step>({ kind: 'retry' }),
  fc.integer({ min: 0, max: 2_500 }).map((ms): Step => ({ kind: 'wait', ms })),
);

describe('retryBudget model', () => {
  it('agrees with a naive event log on every retry decision and status', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5 }),
        fc.constantFrom(1_000, 2_000, 10_000),
        fc.integer({ min: -50_000, max: 50_000 }),
        fc.array(step, { maxLength: 120 }),
        async (ratio, minPerSecond, windowMs, start, steps) => {
          const clock = new ManualClock(start);
          const budget = retryBudget({ ratio, minPerSecond, windowMs, clock });
          const bucketMs = windowMs / 10;
          const log: { kind: 'call' | 'retry'; bucket: number }[] = [];
          const reserve = (minPerSecond * windowMs) / 1000;
          const inWindow = () => {
            const current = Math.floor(clock.now() / bucketMs);
            const live = log.filter((event) => event.bucket > current - 10);
            return {
              calls: live.filter((event) => event.kind === 'call').length,
              retries: live.filter((event) => event.kind === 'retry').length,
            };
          };
          for (const s of steps) {
            const bucket = Math.floor(clock.now() / bucketMs);
            if (s.kind === 'wait') {
              await clock.advance(s.ms);
            } else if (s.kind === 'call') {
              budget.recordCall();
              log.push({ kind: 'call', bucket });
            } else {
              const { calls, retries } = inWindow();
              const allowed = retries + 1 <= ratio * calls + reserve;
              expect(budget.tryRetry()).toBe(allowed);
              if (allowed) log.push({ kind: 'retry', bucket });
            }
            expect(budget.status()).toMatchObject(inWindow());
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
