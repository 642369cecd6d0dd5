import { ConfigError, type Random } from '@sentinel/core';

function checkUnit(owner: string, option: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ConfigError({ owner, option, value, expected: 'a number in [0, 1)' });
  }
  return value;
}

/**
 * A {@link Random} that returns `values` in order and then starts over, so a test can state the
 * exact jitter each attempt gets.
 *
 * @example
 * const random = sequenceRandom([0, 0.5, 0.999]);
 * random(); // 0
 * random(); // 0.5
 */
export function sequenceRandom(values: readonly number[]): Random {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ConfigError({
      owner: 'sequenceRandom',
      option: 'values',
      value: values,
      expected: 'a non-empty array of numbers in [0, 1)',
    });
  }
  const copy = values.map((value, index) => checkUnit('sequenceRandom', `values[${index}]`, value));
  let next = 0;
  return () => {
    const value = copy[next] as number;
    next = (next + 1) % copy.length;
    return value;
  };
}

/** A {@link Random} that always returns `value` (in [0, 1)). */
export function constantRandom(value: number): Random {
  const checked = checkUnit('constantRandom', 'value', value);
  return () => checked;
}
