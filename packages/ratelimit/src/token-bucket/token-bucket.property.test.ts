import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenBucket } from './token-bucket.ts';

type Step = { kind: 'try'; n: number } | { kind: 'advance'; ms: number } | { kind: 'penalize'; ms: number };

const step = (capacity: number): fc.Arbitrary<Step> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.integer({ min: 1, max: capacity }).map((n) => ({ kind: 'try' as const, n })) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 2_000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 500 }).map((ms) => ({ kind: 'penalize' as const, ms })) },
  );

describe('tokenBucket: property', () => {
  it('over any sequence of acquisitions and time advances, granted <= capacity + rate x elapsed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0.01, max: 1_000, noNaN: true }),
        fc.integer({ min: 1, max: 50 }).chain((capacity) => fc.array(step(capacity), { maxLength: 200 })),
        fc.boolean(),
        async (capacity, refillPerSecond, steps, lazyRefill) => {
          const clock = new ManualClock();
          const bucket = tokenBucket({ capacity, refillPerSecond, clock, lazyRefill });
          let granted = 0;
          for (const s of steps) {
            if (s.kind === 'advance') await clock.advance(s.ms);
            else if (s.kind === 'penalize') bucket.penalize(s.ms);
            else if (s.n <= capacity && bucket.tryAcquire(s.n)) granted += s.n;
            const bound = capacity + (refillPerSecond * clock.now()) / 1000;
            // A relative epsilon for float accumulation; a violation is whole tokens.
            expect(granted).toBeLessThanOrEqual(bound + 1e-6 * bound);
            expect(bucket.status().tokens).toBeGreaterThanOrEqual(0);
            expect(bucket.status().tokens).toBeLessThanOrEqual(capacity);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('waiters never receive more than capacity + rate x elapsed either', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 30 }),
        async (capacity, refillPerSecond, sizes) => {
          const clock = new ManualClock();
          const bucket = tokenBucket({ capacity, refillPerSecond, clock });
          let granted = 0;
          const waits = sizes
            .filter((n) => n <= capacity)
            .map((n) =>
              bucket.acquire(n).then(() => {
                granted += n;
                const bound = capacity + (refillPerSecond * clock.now()) / 1000;
                expect(granted).toBeLessThanOrEqual(bound + 1e-6 * bound);
              }),
            );
          await clock.runAll();
          await Promise.all(waits);
          expect(bucket.status().waiting).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });
});
