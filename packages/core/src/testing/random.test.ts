import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/errors.ts';
import { constantRandom, sequenceRandom } from './random.ts';

describe('deterministic random', () => {
  it('sequenceRandom returns its values in order, then starts over', () => {
    const random = sequenceRandom([0, 0.5, 0.999]);
    expect([random(), random(), random(), random()]).toEqual([0, 0.5, 0.999, 0]);
  });

  it('sequenceRandom copies its input, so later changes do not leak in', () => {
    const values = [0.1, 0.2];
    const random = sequenceRandom(values);
    values[0] = 0.9;
    expect(random()).toBe(0.1);
  });

  it('constantRandom always returns its value', () => {
    const random = constantRandom(0.25);
    expect([random(), random()]).toEqual([0.25, 0.25]);
  });

  it.each([[[]], [[1]], [[-0.1]], [[Number.NaN]], [[0.5, 2]]])('sequenceRandom refuses %o', (values) => {
    expect(() => sequenceRandom(values)).toThrow(expect.toSatisfy(isConfigError));
  });

  it('constantRandom refuses values outside [0, 1)', () => {
    expect(() => constantRandom(1)).toThrow(/constantRandom: "value" must be a number in \[0, 1\); received 1/);
  });
});
