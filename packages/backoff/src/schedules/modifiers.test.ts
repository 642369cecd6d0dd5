import { isConfigError } from '@sentinel/core';
import { constantRandom, sequenceRandom } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { delays } from './delays.ts';
import { capped, equalJitter, fullJitter } from './modifiers.ts';
import { constant, decorrelatedJitter, exponential, linear } from './shapes.ts';

describe('fullJitter', () => {
  it('scales each delay by a random factor in [0, 1)', () => {
    const random = sequenceRandom([0.5, 0, 0.25]);
    expect(delays(fullJitter(exponential({ initialMs: 100 })), 3, { random })).toEqual([50, 0, 100]);
  });

  it('hands attempt, previous delay and random to the wrapped backoff', () => {
    const seen: unknown[] = [];
    const random = constantRandom(0.5);
    const jittered = fullJitter((attempt, previous, r) => {
      seen.push([attempt, previous, r === random]);
      return 100;
    });
    delays(jittered, 2, { random });
    expect(seen).toEqual([
      [1, 0, true],
      [2, 50, true],
    ]);
  });
});

describe('equalJitter', () => {
  it('keeps half of each delay and jitters the other half', () => {
    expect(delays(equalJitter(constant(100)), 3, { random: sequenceRandom([0, 0.5, 0.9]) })).toEqual([50, 75, 95]);
  });
});

describe('capped', () => {
  it('limits delays to maxMs', () => {
    expect(delays(capped(linear({ initialMs: 100, stepMs: 100 }), 250), 4)).toEqual([100, 200, 250, 250]);
  });

  it('composes with jitter in either order', () => {
    const random = constantRandom(0.5);
    expect(delays(capped(fullJitter(exponential({ initialMs: 100 })), 150), 4, { random })).toEqual([
      50, 100, 150, 150,
    ]);
    expect(delays(fullJitter(capped(exponential({ initialMs: 100 }), 150)), 4, { random })).toEqual([50, 75, 75, 75]);
    expect(delays(capped(decorrelatedJitter({ initialMs: 100 }), 120), 2, { random })).toEqual([120, 120]);
  });

  it('rejects a negative or NaN maxMs and a backoff that is not a function', () => {
    for (const bad of [-1, Number.NaN]) {
      try {
        capped(constant(1), bad);
        expect.unreachable();
      } catch (error) {
        expect(isConfigError(error) && error.option).toBe('maxMs');
      }
    }
    for (const modifier of [fullJitter, equalJitter, (b: never) => capped(b, 10)]) {
      expect(() => modifier(100 as never)).toThrow(/"backoff" must be a function; received 100/);
    }
  });
});
