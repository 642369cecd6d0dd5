import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { seededRandom } from './seeded-random.ts';

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 20 }, a);
    expect(Array.from({ length: 20 }, b)).toEqual(first);
  });

  it('gives different sequences for different seeds', () => {
    expect(seededRandom(1)()).not.toBe(seededRandom(2)());
  });

  it('stays in [0, 1) and spreads evenly', () => {
    const random = seededRandom(7);
    let below = 0;
    for (let i = 0; i < 10_000; i++) {
      const value = random();
      expect(value >= 0 && value < 1).toBe(true);
      if (value < 0.5) below++;
    }
    expect(below).toBeGreaterThan(4_800);
    expect(below).toBeLessThan(5_200);
  });

  it.each([1.5, Number.NaN, '1'])('rejects the seed %j', (seed) => {
    expect(() => seededRandom(seed as number)).toThrow(expect.objectContaining({ option: 'seed' }));
    try {
      seededRandom(seed as number);
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
    }
  });
});
