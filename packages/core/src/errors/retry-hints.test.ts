import { describe, expect, it } from 'vitest';
import { RejectedError } from './errors.ts';
import { isNonRetryable, markNonRetryable, retryAfterOf } from './retry-hints.ts';

describe('retry hints', () => {
  it('markNonRetryable marks the same error and returns it', () => {
    const error = new Error('bad input');
    expect(isNonRetryable(error)).toBe(false);
    expect(markNonRetryable(error)).toBe(error);
    expect(isNonRetryable(error)).toBe(true);
    expect(Object.keys(error)).toEqual([]);
  });

  it('isNonRetryable is false for unmarked values and primitives', () => {
    for (const value of [undefined, null, 'x', 1, {}, new RejectedError('SENTINEL_REJECTED', 'no')]) {
      expect(isNonRetryable(value)).toBe(false);
    }
  });

  it('the mark is read through the registry symbol, so another copy of core sees it', () => {
    const error = markNonRetryable(new Error('x'));
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('@sentinel/core:non-retryable')]).toBe(true);
  });

  it.each([
    [new RejectedError('SENTINEL_CIRCUIT_OPEN', 'open', { retryAfterMs: 250 }), 250],
    [{ retryAfterMs: 0 }, 0],
    [new RejectedError('SENTINEL_REJECTED', 'no'), undefined],
    [{ retryAfterMs: -1 }, undefined],
    [{ retryAfterMs: Number.NaN }, undefined],
    [{ retryAfterMs: Number.POSITIVE_INFINITY }, undefined],
    [{ retryAfterMs: '5' }, undefined],
    [new Error('plain'), undefined],
    ['text', undefined],
    [null, undefined],
  ])('retryAfterOf(%o) is %s', (error, expected) => {
    expect(retryAfterOf(error)).toBe(expected);
  });
});
