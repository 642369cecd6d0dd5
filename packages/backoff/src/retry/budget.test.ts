import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { retryBudget } from '../budget/retry-budget.ts';
import { constant } from '../schedules/shapes.ts';
import type { GiveUpEvent } from './events.ts';
import { retry } from './retry.ts';

describe('retry: shared retry budget', () => {
  it('keeps retries of 1,000 calls through 10 policies within 20 % plus the floor when the backend always fails', async () => {
    const clock = new ManualClock();
    const minPerSecond = 1;
    const windowMs = 10_000;
    const budget = retryBudget({ ratio: 0.2, minPerSecond, windowMs, clock });
    const policies = Array.from({ length: 10 }, () => retry({ maxAttempts: 5, backoff: constant(1), budget, clock }));
    let backendCalls = 0;
    const down = async () => {
      backendCalls++;
      throw new Error('503');
    };
    // 100 rounds: each of the 10 workers makes one call at the same time.
    for (let round = 0; round < 100; round++) {
      const calls = policies.map((policy) => policy.execute(down).catch(() => 'failed'));
      await clock.runAll();
      expect(await Promise.all(calls)).toEqual(Array(10).fill('failed'));
    }
    // Everything happened within one window, so the floor is minPerSecond × windowMs / 1000.
    expect(clock.now()).toBeLessThan(windowMs);
    const floor = (minPerSecond * windowMs) / 1000;
    const retries = policies.reduce((sum, policy) => sum + policy.status().retries, 0);
    const firstAttempts = policies.reduce((sum, policy) => sum + policy.status().calls, 0);
    expect(firstAttempts).toBe(1_000);
    expect(backendCalls).toBe(firstAttempts + retries);
    expect(retries).toBeLessThanOrEqual(0.2 * 1_000 + floor);
    // The budget is used, not merely refused: without it, these calls would have made 4,000 retries.
    expect(retries).toBeGreaterThanOrEqual(0.2 * 1_000);
    expect(budget.status()).toMatchObject({ calls: 1_000, retries });
  });

  it('still runs first attempts when the budget is spent, and retries again once it recovers', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0, minPerSecond: 0.1, windowMs: 10_000, clock });
    const policy = retry({ maxAttempts: 3, backoff: constant(1), budget, clock });
    const reasons: string[] = [];
    policy.onGiveUp((event: GiveUpEvent) => reasons.push(event.reason));
    let attempts = 0;
    const down = async () => {
      attempts++;
      throw new Error('down');
    };
    const run = async () => {
      const call = policy.execute(down).catch(() => 'failed');
      await clock.runAll();
      return call;
    };
    await run(); // the reserve holds one retry: 2 attempts, then the budget is spent
    expect(attempts).toBe(2);
    await run(); // first attempt only
    expect(attempts).toBe(3);
    expect(reasons).toEqual(['budget', 'budget']);
    await clock.advance(10_000);
    await run(); // the spent retry left the window
    expect(attempts).toBe(5);
    expect(policy.status()).toMatchObject({ calls: 3, retries: 2, giveUps: 3 });
  });

  it('lets a success on the first attempt cost the budget nothing but a deposit', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.5, minPerSecond: 0, clock });
    const policy = retry({ budget, clock });
    await policy.execute(async () => 'ok');
    await policy.execute(async () => 'ok');
    expect(budget.status()).toMatchObject({ calls: 2, retries: 0, available: 1 });
  });
});
