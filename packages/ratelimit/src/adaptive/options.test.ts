import { failure, isConfigError, success, TimeoutError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { adaptiveConcurrency } from './adaptive-concurrency.ts';
import { defaultIsOverload } from './options.ts';

function refusal(options: unknown): unknown {
  try {
    adaptiveConcurrency(options as never);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('adaptiveConcurrency options', () => {
  it('takes the documented defaults, and fits initial into [min, max] when only those are given', () => {
    expect(adaptiveConcurrency().status()).toMatchObject({
      algorithm: 'aimd',
      limit: 20,
      min: 1,
      max: 1_000,
      maxQueue: null,
    });
    expect(adaptiveConcurrency({ max: 8 }).status()).toMatchObject({ limit: 8, max: 8 });
    expect(adaptiveConcurrency({ min: 50 }).status()).toMatchObject({ limit: 50, min: 50, max: 1_000 });
    expect(adaptiveConcurrency({ min: 2_000 }).status()).toMatchObject({ limit: 2_000, max: 2_000 });
    expect(
      adaptiveConcurrency({ algorithm: 'gradient', initial: 1, min: 1, max: 1, maxQueue: 0 }).status(),
    ).toMatchObject({ algorithm: 'gradient', limit: 1, maxQueue: 0 });
  });

  it.each<[string, unknown, string, string]>([
    ['an unknown algorithm', { algorithm: 'vegas' }, 'algorithm', 'one of "aimd", "gradient"'],
    ['min 0', { min: 0 }, 'min', 'an integer >= 1'],
    ['max below min', { min: 5, max: 4 }, 'max', 'an integer >= 5'],
    ['initial above max', { max: 10, initial: 11 }, 'initial', 'an integer between 1 and 10'],
    ['initial below min', { min: 3, initial: 2 }, 'initial', 'an integer between 3 and 1000'],
    ['a fractional initial', { initial: 2.5 }, 'initial', 'an integer between 1 and 1000'],
    ['a negative maxQueue', { maxQueue: -1 }, 'maxQueue', 'an integer >= 0 (or Infinity)'],
    ['a lying number', { initial: { valueOf: (): number => 5 } }, 'initial', 'an integer between 1 and 1000'],
    ['isOverload not a function', { isOverload: 503 }, 'isOverload', 'a function'],
    [
      'a clock without sleep',
      { clock: { now: () => 0 } },
      'clock',
      'a Clock (an object with now() and sleep(ms, signal))',
    ],
    [
      'an unknown option',
      { limit: 5 },
      'limit',
      'one of the known options (algorithm, initial, min, max, maxQueue, isOverload, clock)',
    ],
    ['options that are not an object', 20, 'options', 'an options object'],
  ])('refuses %s with a ConfigError naming the option', (_title, options, option, expected) => {
    const error = refusal(options);
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ owner: 'adaptiveConcurrency', option, expected });
  });

  it('by default, an overload is a 429 or 503 status on an error, or a TimeoutError — never a value', () => {
    const withStatus = (status: unknown) => failure(Object.assign(new Error('x'), { status }));
    expect(defaultIsOverload(withStatus(503))).toBe(true);
    expect(defaultIsOverload(withStatus(429))).toBe(true);
    expect(defaultIsOverload(failure(new TimeoutError(100)))).toBe(true);
    expect(defaultIsOverload(withStatus(500))).toBe(false);
    expect(defaultIsOverload(withStatus('503'))).toBe(false);
    expect(defaultIsOverload(failure('503'))).toBe(false);
    expect(defaultIsOverload(failure(null))).toBe(false);
    expect(defaultIsOverload(success({ status: 503 }))).toBe(false);
  });
});
