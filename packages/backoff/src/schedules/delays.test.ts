import { constantRandom } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { delays } from './delays.ts';
import { fullJitter } from './modifiers.ts';
import { constant, exponential } from './shapes.ts';

describe('delays', () => {
  it('returns an empty sequence for n = 0', () => {
    expect(delays(constant(5), 0)).toEqual([]);
  });

  it('passes attempt numbers from 1 and the previous delay it returned', () => {
    const calls: [number, number][] = [];
    delays((attempt, previous) => {
      calls.push([attempt, previous]);
      return attempt * 10;
    }, 3);
    expect(calls).toEqual([
      [1, 0],
      [2, 10],
      [3, 20],
    ]);
  });

  it('uses the given random, or the platform one by default', () => {
    expect(delays(fullJitter(constant(100)), 2, { random: constantRandom(0.25) })).toEqual([25, 25]);
    for (const delay of delays(fullJitter(exponential()), 20)) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(30_000);
    }
  });

  it('rejects a bad count, backoff or random', () => {
    expect(() => delays(constant(1), -1)).toThrow(/delays: "n" must be an integer between 0 and 1000000; received -1/);
    expect(() => delays(constant(1), 1.5)).toThrow(/"n"/);
    expect(() => delays('x' as never, 1)).toThrow(/"backoff" must be a function/);
    expect(() => delays(constant(1), 1, { random: 0.5 as never })).toThrow(/"random" must be a function/);
  });
});
