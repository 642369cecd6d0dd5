import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { retryBudget } from './retry-budget.ts';

describe('retryBudget', () => {
  it('allows ratio × first attempts plus the reserve, then refuses', () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.2, minPerSecond: 0.5, windowMs: 10_000, clock });
    // Reserve: 0.5/s × 10 s = 5 retries before any traffic.
    for (let i = 0; i < 5; i++) expect(budget.tryRetry()).toBe(true);
    expect(budget.tryRetry()).toBe(false);
    for (let i = 0; i < 10; i++) budget.recordCall();
    // 10 calls earn 2 more retries.
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    expect(budget.status()).toEqual({
      calls: 10,
      retries: 7,
      available: 0,
      skipped: 2,
      ratio: 0.2,
      minPerSecond: 0.5,
      windowMs: 10_000,
    });
  });

  it('recovers as spent retries slide out of the window', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0, minPerSecond: 1, windowMs: 2_000, clock });
    expect([budget.tryRetry(), budget.tryRetry(), budget.tryRetry()]).toEqual([true, true, false]);
    await clock.advance(1_999);
    expect(budget.tryRetry()).toBe(false);
    await clock.advance(1);
    expect(budget.status()).toMatchObject({ retries: 0, available: 2 });
    expect(budget.tryRetry()).toBe(true);
  });

  it('forgets calls a tenth of the window at a time', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 1, minPerSecond: 0, windowMs: 1_000, clock });
    budget.recordCall(); // bucket [0, 100)
    await clock.advance(500);
    budget.recordCall(); // bucket [500, 600)
    expect(budget.status().calls).toBe(2);
    await clock.advance(500); // t = 1000: the first bucket left the window
    expect(budget.status().calls).toBe(1);
    await clock.advance(499);
    expect(budget.status().calls).toBe(1);
    await clock.advance(1);
    expect(budget.status().calls).toBe(0);
    await clock.advance(50_000);
    expect(budget.status()).toMatchObject({ calls: 0, retries: 0 });
  });

  it('works from a negative clock origin', async () => {
    const clock = new ManualClock(-12_345);
    const budget = retryBudget({ ratio: 1, minPerSecond: 0, windowMs: 1_000, clock });
    budget.recordCall();
    expect(budget.tryRetry()).toBe(true);
    await clock.advance(1_000);
    expect(budget.status()).toMatchObject({ calls: 0, retries: 0 });
  });

  it('defaults to ratio 0.2, 10 retries per second over 10 s', () => {
    expect(retryBudget().status()).toMatchObject({ ratio: 0.2, minPerSecond: 10, windowMs: 10_000, available: 100 });
  });

  it.each([
    ['ratio', -0.1],
    ['ratio', 1.5],
    ['ratio', Number.NaN],
    ['minPerSecond', -1],
    // Regression (issue 15): a reserve of Infinity made status().available Infinity (null in JSON).
    ['minPerSecond', 1e306],
    ['windowMs', 2 ** 31],
    ['windowMs', 0],
    ['windowMs', Number.POSITIVE_INFINITY],
    ['clock', { now: 5 }],
    ['percent', 20],
  ])('rejects %s = %s', (option, value) => {
    try {
      retryBudget({ [option]: value } as never);
      expect.unreachable();
    } catch (error) {
      expect(isConfigError(error)).toBe(true);
      expect(isConfigError(error) && [error.option, error.message.startsWith('retryBudget: ')]).toEqual([option, true]);
    }
  });
});
