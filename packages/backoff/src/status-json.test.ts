import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { POLICIES } from '../test/policies.ts';
import { retryBudget } from './budget/retry-budget.ts';
import { hedge } from './hedge/hedge.ts';
import { retry } from './retry/retry.ts';
import { constant } from './schedules/shapes.ts';

/*
 * Conformance (issue 15 §2): every status() of this package is plain JSON — it survives
 * JSON.parse(JSON.stringify(x)) unchanged (no undefined fields, no Infinity / NaN / -0, which
 * JSON turns into null or 0), fresh, mid-use and after failures.
 */
function expectJsonSafe(status: unknown): void {
  expect(JSON.parse(JSON.stringify(status))).toStrictEqual(status);
}

// Policy factories whose policies have a status(); a new one must be added here and tested below.
const WITH_STATUS = ['hedge', 'retry'];

describe('status() survives a JSON round trip (conformance)', () => {
  it('lists every exported policy that has a status()', () => {
    const found = Object.entries(POLICIES)
      .filter(([, cases]) => cases.some((c) => typeof c.make(new ManualClock()).status === 'function'))
      .map(([name]) => name);
    expect(found.sort()).toEqual(WITH_STATUS);
  });

  it('retry, with and without a budget: fresh, mid-wait, after giving up, after an abort', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ clock, ratio: -0, minPerSecond: -0 });
    for (const policy of [retry({ clock, backoff: constant(10) }), retry({ clock, backoff: constant(10), budget })]) {
      expectJsonSafe(policy.status());
      const failing = policy.execute(() => Promise.reject(new Error('boom'))).catch(() => 'gave up');
      await clock.advance(0);
      expectJsonSafe(policy.status());
      await clock.runAll();
      expect(await failing).toBe('gave up');
      expectJsonSafe(policy.status());
      const controller = new AbortController();
      const aborted = policy
        .execute(() => Promise.reject(new Error('boom')), { signal: controller.signal })
        .catch((error: unknown) => error);
      await clock.advance(0);
      controller.abort('gone');
      // The budget (ratio 0, no reserve) refuses every retry: that call gives up before the abort.
      expect(await aborted).toEqual(policy.status().budget === null ? 'gone' : new Error('boom'));
      expectJsonSafe(policy.status());
    }
  });

  it('retryBudget: fresh, spent, after the window slid, at the largest reserve', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ clock, ratio: 0.5, minPerSecond: 0, windowMs: 1_000 });
    expectJsonSafe(budget.status());
    budget.recordCall();
    budget.tryRetry();
    budget.tryRetry();
    expectJsonSafe(budget.status());
    await clock.advance(5_000);
    expectJsonSafe(budget.status());
    // The reserve is minPerSecond × windowMs / 1000: at the bounds it is still finite.
    expectJsonSafe(retryBudget({ clock, minPerSecond: 1e9, windowMs: 2 ** 31 - 1 }).status());
  });

  it('hedge: fixed and percentile delays, with a budget, fresh, running, after wins and give-ups', async () => {
    const clock = new ManualClock();
    const policies = [
      hedge({ delayMs: 10, clock }),
      hedge({ delayMs: { percentile: 50, minSamples: 2, initialMs: 10 }, budget: retryBudget({ clock }), clock }),
    ];
    for (const policy of policies) {
      expectJsonSafe(policy.status());
      let finish: (value: string) => void = () => {};
      const running = policy.execute(() => new Promise<string>((resolve) => (finish = resolve)));
      expectJsonSafe(policy.status());
      await clock.advance(10);
      expectJsonSafe(policy.status());
      finish('done');
      await running;
      await policy.execute(() => 'fast');
      await policy.execute(() => Promise.reject(new Error('boom'))).catch(() => {});
      expectJsonSafe(policy.status());
    }
    expect(policies[1]?.status().latency).toMatchObject({ percentile: 50, samples: 2 });
  });
});
