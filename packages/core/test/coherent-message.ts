// Shared by the packages' option-message tests (as aborted-signal.ts is): what "a message says one thing" means (issue 15 §2).
import { isConfigError } from '@sentinel/core';
import { expect } from 'vitest';

/** Values that a numeric option may be handed by mistake. */
export const BAD_NUMBERS: readonly unknown[] = [
  -1,
  -0.5,
  0.5,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  1e300,
  '1',
  null,
];

/**
 * Builds with `value` and, when that throws a ConfigError, checks its `expected` phrase: at most
 * one lower and one upper bound, the lower below the upper, and "(or Infinity)" only when
 * Infinity is really accepted. Returns the message, or undefined when `value` was accepted.
 */
export function expectCoherent(build: (value: unknown) => unknown, value: unknown): string | undefined {
  let expected: string;
  let message: string;
  try {
    build(value);
    return undefined;
  } catch (error) {
    if (!isConfigError(error)) throw error;
    expected = error.expected;
    message = error.message;
  }
  const lowers = [...expected.matchAll(/(?:^|\s)(>=?) (-?[\d.e+]+)/g)];
  const uppers = [...expected.matchAll(/<= (-?[\d.e+]+)/g)];
  const between = [...expected.matchAll(/between (-?[\d.e+]+) and (-?[\d.e+]+)/g)];
  expect(lowers.length + between.length, message).toBeLessThanOrEqual(1);
  expect(uppers.length + between.length, message).toBeLessThanOrEqual(1);
  for (const [, low, high] of between) expect(Number(low), message).toBeLessThan(Number(high));
  if (lowers[0] && uppers[0]) expect(Number(lowers[0][2]), message).toBeLessThan(Number(uppers[0][1]));
  if (expected.includes('(or Infinity)') || /, or Infinity/.test(expected)) {
    expect(() => build(Number.POSITIVE_INFINITY), message).not.toThrow();
  }
  return message;
}
