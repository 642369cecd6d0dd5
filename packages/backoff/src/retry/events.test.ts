import { markNonRetryable } from '@sentinel/core';
import { EventRecorder, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { retryBudget } from '../budget/retry-budget.ts';
import { constant } from '../schedules/shapes.ts';
import type { GiveUpEvent, RetryEvent, SuccessEvent } from './events.ts';
import { retry } from './retry.ts';

function observed(options: Parameters<typeof retry>[0] = {}) {
  const clock = new ManualClock();
  const policy = retry({ maxAttempts: 3, backoff: constant(20), clock, ...options });
  const events = new EventRecorder();
  policy.onRetry(events.listener('retry'));
  policy.onGiveUp(events.listener('giveUp'));
  policy.onSuccess(events.listener('success'));
  return { clock, policy, events };
}

describe('retry: events', () => {
  it('reports each retry, then the success with its attempt count', async () => {
    const { clock, policy, events } = observed();
    const first = new Error('first');
    const result = policy.execute(async (ctx) => {
      if (ctx.attempt === 1) throw first;
      return 'ok';
    });
    await clock.runAll();
    await result;
    expect(events.names()).toEqual(['retry', 'success']);
    expect(events.payloads<RetryEvent>('retry')).toEqual([
      { attempt: 1, delayMs: 20, delaySource: 'backoff', outcome: { ok: false, error: first } },
    ]);
    expect(events.payloads<SuccessEvent>('success')).toEqual([{ attempts: 2 }]);
  });

  it('reports a first-try success', async () => {
    const { policy, events } = observed();
    await policy.execute(async () => 1);
    expect(events.payloads<SuccessEvent>('success')).toEqual([{ attempts: 1 }]);
  });

  it('reports the give-up with attempts, reason and last outcome', async () => {
    const { clock, policy, events } = observed();
    const result = policy.execute(async () => 'bad');
    await expect(result).resolves.toBe('bad');
    expect(events.names()).toEqual(['success']);
    events.clear();

    const error = new Error('down');
    const failing = policy.execute(async () => {
      throw error;
    });
    const settled = failing.catch(() => undefined);
    await clock.runAll();
    await settled;
    expect(events.names()).toEqual(['retry', 'retry', 'giveUp']);
    expect(events.payloads<RetryEvent>('retry').map((e) => e.attempt)).toEqual([1, 2]);
    expect(events.payloads<GiveUpEvent>('giveUp')).toEqual([
      { attempts: 3, reason: 'attempts', outcome: { ok: false, error } },
    ]);
  });

  it('reports a non-retryable failure as a give-up', async () => {
    const { policy, events } = observed();
    const error = markNonRetryable(new TypeError('bad input'));
    await expect(
      policy.execute(async () => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(events.payloads<GiveUpEvent>('giveUp')).toEqual([
      { attempts: 1, reason: 'not-retryable', outcome: { ok: false, error } },
    ]);
  });

  it('stops calling a disposed listener, also through `using`', async () => {
    const clock = new ManualClock();
    const policy = retry({ clock });
    const seen: number[] = [];
    const off = policy.onSuccess((e) => seen.push(e.attempts));
    await policy.execute(async () => 1);
    off.dispose();
    await policy.execute(async () => 1);
    {
      using _scoped = policy.onSuccess((e) => seen.push(e.attempts * 10));
      await policy.execute(async () => 1);
    }
    await policy.execute(async () => 1);
    expect(seen).toEqual([1, 10]);
  });

  it('keeps retrying when a listener throws', async () => {
    const clock = new ManualClock();
    const reported: unknown[] = [];
    const onError = (error: unknown) => reported.push(error);
    process.on('uncaughtException', onError);
    try {
      const policy = retry({ maxAttempts: 2, backoff: constant(1), clock });
      policy.onRetry(() => {
        throw new Error('listener bug');
      });
      const result = policy.execute(async (ctx) => {
        if (ctx.attempt === 1) throw new Error('x');
        return 'fine';
      });
      await clock.runAll();
      await expect(result).resolves.toBe('fine');
    } finally {
      process.off('uncaughtException', onError);
    }
    expect(reported).toHaveLength(1);
  });
});

describe('retry: status', () => {
  it('counts calls, attempts, retries, give-ups and aborts, and shows the budget', async () => {
    const clock = new ManualClock();
    const budget = retryBudget({ ratio: 0.5, minPerSecond: 0, clock });
    const policy = retry({ maxAttempts: 3, backoff: constant(1), clock, budget });
    expect(policy.status()).toEqual({
      calls: 0,
      attempts: 0,
      retries: 0,
      giveUps: 0,
      aborts: 0,
      budget: { calls: 0, retries: 0, available: 0, skipped: 0, ratio: 0.5, minPerSecond: 0, windowMs: 10_000 },
    });
    await policy.execute(async () => 1);
    await policy.execute(async () => 1);
    const result = policy.execute(async () => {
      throw new Error('x');
    });
    const settled = result.catch(() => undefined);
    await clock.runAll();
    await settled;
    const status = policy.status();
    expect(status).toMatchObject({ calls: 3, attempts: 4, retries: 1, giveUps: 1, aborts: 0 });
    // Three first attempts earned 1.5 retries: one was spent, the second was refused.
    expect(status.budget).toMatchObject({ calls: 3, retries: 1, available: 0, skipped: 1 });
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  it('shows a null budget when there is none', () => {
    expect(retry().status().budget).toBeNull();
  });
});
