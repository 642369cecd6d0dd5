import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { hedge } from '../hedge/hedge.ts';
import { delays } from '../schedules/delays.ts';
import { constant } from '../schedules/shapes.ts';
import { retry } from './retry.ts';

function rejected(options: unknown): { option: string; value: unknown; message: string } {
  try {
    retry(options as never);
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('retry: options', () => {
  it('defaults to 3 attempts', () => {
    expect(retry().maxAttempts).toBe(3);
    expect(retry({ maxAttempts: 1 }).maxAttempts).toBe(1);
  });

  it.each([0, -1, 1.5, Number.NaN, '3'])('rejects maxAttempts = %s, naming option and value', (value) => {
    const error = rejected({ maxAttempts: value });
    expect(error.option).toBe('maxAttempts');
    expect(Object.is(error.value, value)).toBe(true);
    expect(error.message).toMatch(/^retry: "maxAttempts" must be an integer >= 1/);
  });

  it('accepts maxAttempts = Infinity only together with a finite maxElapsedMs', () => {
    const error = rejected({ maxAttempts: Number.POSITIVE_INFINITY });
    expect(error.message).toBe(
      'retry: "maxAttempts" must be an integer >= 1 (Infinity only together with a finite maxElapsedMs); received Infinity',
    );
    expect(retry({ maxAttempts: Number.POSITIVE_INFINITY, maxElapsedMs: 60_000 }).maxAttempts).toBe(
      Number.POSITIVE_INFINITY,
    );
  });

  it('regression (issue 15): maxElapsedMs = 0 is refused with one coherent message pointing at maxAttempts: 1', () => {
    for (const [zero, shown] of [
      [0, '0'],
      [-0, '-0'],
    ] as const) {
      expect(rejected({ maxElapsedMs: zero }).message).toBe(
        `retry: "maxElapsedMs" must be a number > 0 (or Infinity); for no retries, use maxAttempts: 1; received ${shown}`,
      );
    }
    expect(rejected({ maxElapsedMs: -1 }).message).toBe(
      'retry: "maxElapsedMs" must be a number > 0 (or Infinity); received -1',
    );
  });

  it('maxAttempts: 1 is how "no retries" is said: one attempt, then the failure as it is', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 1, maxElapsedMs: 1, clock });
    const error = new Error('once');
    let calls = 0;
    await expect(
      policy.execute(() => {
        calls++;
        throw error;
      }),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it.each([
    ['maxElapsedMs', 0],
    ['maxElapsedMs', -1],
    ['maxElapsedMs', Number.NaN],
    ['maxRetryAfterMs', -1],
    ['maxRetryAfterMs', Number.NaN],
    ['backoff', 100],
    ['shouldRetry', true],
    ['retryAfter', 5],
    ['random', 0.5],
    ['clock', {}],
    ['budget', { ratio: 0.2 }],
    ['budget', { recordCall() {}, tryRetry: () => true }],
    ['attempts', 3],
  ])('rejects %s = %s', (option, value) => {
    const error = rejected({ [option]: value });
    expect(error.option).toBe(option);
    expect(error.message).toContain(`retry: "${option}" must be`);
  });

  it('a random that is not a function: one message for retry, hedge and delays', () => {
    const expected = 'a function returning a number in [0, 1)';
    const messages = [
      () => retry({ random: 0.5 as never }),
      () => hedge({ delayMs: 1, random: 0.5 as never }),
      () => delays(constant(1), 1, { random: 0.5 as never }),
    ].map((build) => {
      try {
        build();
      } catch (error) {
        if (isConfigError(error)) return error.expected;
      }
      return 'accepted';
    });
    expect(messages).toEqual([expected, expected, expected]);
  });

  it('rejects a non-object options argument', () => {
    expect(rejected(5).option).toBe('options');
  });

  it('accepts every option together', () => {
    const policy = retry({
      maxAttempts: 2,
      backoff: () => 1,
      shouldRetry: () => false,
      retryAfter: () => undefined,
      maxRetryAfterMs: 0,
      maxElapsedMs: 1_000,
      budget: undefined,
      clock: new ManualClock(),
      random: () => 0.5,
    });
    expect(policy.maxAttempts).toBe(2);
  });
});
