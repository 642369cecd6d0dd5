import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { delays } from './delays.ts';
import { capped, equalJitter, fullJitter } from './modifiers.ts';
import { constant, decorrelatedJitter, exponential, linear } from './shapes.ts';

// Randomness as fast-check sees it: a shrinkable list of numbers in [0, 1), replayed in order.
const randoms = fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
  minLength: 1,
  maxLength: 40,
});
const replay = (values: readonly number[]) => {
  let i = 0;
  return () => values[i++ % values.length] as number;
};
const initialMs = fc.integer({ min: 0, max: 10_000 });
const spread = fc.integer({ min: 0, max: 100_000 });
const factor = fc.double({ min: 1, max: 10, noNaN: true });
const count = fc.integer({ min: 1, max: 60 });

describe('schedule properties', () => {
  it('every delay lies within [0, maxMs] for each shape, jittered or not', () => {
    fc.assert(
      fc.property(initialMs, spread, factor, count, randoms, (initial, extra, f, n, values) => {
        const maxMs = initial + extra;
        const shapes = [
          exponential({ initialMs: initial, factor: f, maxMs }),
          decorrelatedJitter({ initialMs: initial, maxMs }),
          capped(linear({ initialMs: initial, stepMs: extra }), maxMs),
          capped(constant(initial), maxMs),
        ];
        for (const shape of shapes) {
          for (const backoff of [shape, fullJitter(shape), equalJitter(shape)]) {
            for (const delay of delays(backoff, n, { random: replay(values) })) {
              expect(delay).toBeGreaterThanOrEqual(0);
              expect(delay).toBeLessThanOrEqual(maxMs);
            }
          }
        }
      }),
    );
  });

  it('full jitter stays within [0, the exponential bound] for each attempt', () => {
    fc.assert(
      fc.property(initialMs, spread, factor, count, randoms, (initial, extra, f, n, values) => {
        const options = { initialMs: initial, factor: f, maxMs: initial + extra };
        const bounds = delays(exponential(options), n);
        delays(fullJitter(exponential(options)), n, { random: replay(values) }).forEach((delay, i) => {
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(bounds[i] as number);
        });
      }),
    );
  });

  it('equal jitter stays within [half, the whole] of the wrapped delay', () => {
    fc.assert(
      fc.property(initialMs, spread, factor, count, randoms, (initial, extra, f, n, values) => {
        const options = { initialMs: initial, factor: f, maxMs: initial + extra };
        const bounds = delays(exponential(options), n);
        delays(equalJitter(exponential(options)), n, { random: replay(values) }).forEach((delay, i) => {
          expect(delay).toBeGreaterThanOrEqual((bounds[i] as number) / 2);
          expect(delay).toBeLessThanOrEqual(bounds[i] as number);
        });
      }),
    );
  });

  it('decorrelated jitter stays within [initialMs, min(maxMs, 3 × previous)]', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10_000 }), spread, count, randoms, (initial, extra, n, values) => {
        const maxMs = initial + extra;
        let previous = initial; // the base of the first delay
        for (const delay of delays(decorrelatedJitter({ initialMs: initial, maxMs }), n, { random: replay(values) })) {
          expect(delay).toBeGreaterThanOrEqual(initial);
          expect(delay).toBeLessThanOrEqual(Math.min(maxMs, 3 * previous));
          previous = delay;
        }
      }),
    );
  });

  it('exponential delays never decrease', () => {
    fc.assert(
      fc.property(initialMs, spread, factor, count, (initial, extra, f, n) => {
        const sequence = delays(exponential({ initialMs: initial, factor: f, maxMs: initial + extra }), n);
        for (let i = 1; i < sequence.length; i++) expect(sequence[i]).toBeGreaterThanOrEqual(sequence[i - 1] as number);
      }),
    );
  });
});
