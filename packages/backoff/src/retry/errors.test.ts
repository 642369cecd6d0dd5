import { isSentinelError, SentinelError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { AttemptSupersededError, isAttemptSupersededError } from './errors.ts';

describe('AttemptSupersededError', () => {
  it('is a SentinelError with a literal code, a stable name and the attempt number', () => {
    const error = new AttemptSupersededError(2);
    expect(error).toBeInstanceOf(SentinelError);
    expect(isSentinelError(error)).toBe(true);
    expect(error.code).toBe('SENTINEL_ATTEMPT_SUPERSEDED');
    expect(error.name).toBe('AttemptSupersededError');
    expect(error.attempt).toBe(2);
    expect(error.message).toBe('attempt 2 failed and was superseded by a retry');
    expect(Object.keys(error)).toEqual(['code', 'attempt']);
  });

  it('is recognised by its guard, also when built by another copy of the package', () => {
    expect(isAttemptSupersededError(new AttemptSupersededError(1))).toBe(true);
    // What a second installed copy would produce: a different class, the same code.
    expect(isAttemptSupersededError(new SentinelError('SENTINEL_ATTEMPT_SUPERSEDED', 'other copy'))).toBe(true);
    expect(isAttemptSupersededError(new SentinelError('SENTINEL_TIMEOUT', 'no'))).toBe(false);
    expect(isAttemptSupersededError(Object.assign(new Error('x'), { code: 'SENTINEL_ATTEMPT_SUPERSEDED' }))).toBe(
      false,
    );
    expect(isAttemptSupersededError(undefined)).toBe(false);
  });
});
