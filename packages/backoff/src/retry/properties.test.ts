import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitter } from '../schedules/modifiers.ts';
import { exponential } from '../schedules/shapes.ts';
import { retry } from './retry.ts';

// One scenario: a schedule, limits, and per-attempt durations and results the backend will produce.
const scenario = fc.record({
  initialMs: fc.integer({ min: 1, max: 500 }),
  maxAttempts: fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constant(Number.POSITIVE_INFINITY)),
  maxElapsedMs: fc.integer({ min: 1, max: 20_000 }),
  attemptMs: fc.integer({ min: 0, max: 300 }),
  failures: fc.integer({ min: 0, max: 30 }),
  randoms: fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 10 }),
});

describe('retry properties', () => {
  it('never exceeds maxAttempts or maxElapsedMs (attempts of constant length)', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const clock = new ManualClock();
        let next = 0;
        const policy = retry({
          maxAttempts: s.maxAttempts,
          maxElapsedMs: s.maxElapsedMs,
          backoff: fullJitter(exponential({ initialMs: s.initialMs, maxMs: 5_000 })),
          random: () => s.randoms[next++ % s.randoms.length] as number,
          clock,
        });
        let attempts = 0;
        const result = policy
          .execute(async () => {
            attempts++;
            await clock.sleep(s.attemptMs);
            if (attempts <= s.failures) throw new Error(`failure ${attempts}`);
            return 'ok';
          })
          .then(
            (value) => value,
            () => 'gave up',
          );
        await clock.runAll({ maxSteps: 1_000 });
        const outcome = await result;
        expect(attempts).toBeLessThanOrEqual(s.maxAttempts);
        expect(attempts).toBeGreaterThanOrEqual(1);
        // The first attempt always runs; after it, nothing starts that would end past the deadline.
        // Up to floating-point rounding: delays of 1e-17 ms (a jitter draw near 0) leave the clock
        // at 4.000000000000001 after four 1 ms attempts, and the fifth then ends 1e-15 ms late
        // (seed 776673194 in CI).
        expect(clock.now()).toBeLessThanOrEqual(Math.max(s.maxElapsedMs, s.attemptMs) + 1e-9);
        expect(outcome).toBe(attempts > s.failures ? 'ok' : 'gave up');
        expect(policy.status()).toMatchObject({ calls: 1, attempts, retries: attempts - 1 });
      }),
      { numRuns: 200 },
    );
  });
});
