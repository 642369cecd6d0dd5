import { compose, type Decision, markNonRetryable, RejectedError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { constant } from '../schedules/shapes.ts';
import { retry } from './retry.ts';

// A failure carrying a hint, as an HTTP error with Retry-After does.
const hinted = (retryAfterMs: number) => Object.assign(new Error('busy'), { retryAfterMs });

describe('retry: decisions reported to the call’s onDecision', () => {
  it('reports each wait with the delay that won, then the give-up, for this call only', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 3, backoff: constant(87), clock });
    const mine: Decision[] = [];
    const other: Decision[] = [];
    const failures = [hinted(1_000), new Error('plain'), new Error('last')];
    const call = policy
      .execute(
        (ctx) => {
          throw failures[ctx.attempt - 1];
        },
        { onDecision: (d) => mine.push(d) },
      )
      .catch((e: unknown) => e);
    // A concurrent call through the same policy, traced separately, succeeds at once.
    await policy.execute(() => 'ok', { onDecision: (d) => other.push(d) });
    await clock.advance(1_000);
    await clock.advance(87);
    expect(await call).toBe(failures[2]);
    expect(mine).toEqual([
      {
        layer: 'retry',
        decision: 'wait',
        attempt: 1,
        delayMs: 1_000,
        delaySource: 'retry-after',
        backoffMs: 87,
        retryAfterMs: 1_000,
      },
      { layer: 'retry', decision: 'wait', attempt: 2, delayMs: 87, delaySource: 'backoff', backoffMs: 87 },
      { layer: 'retry', decision: 'give-up', attempts: 3, reason: 'attempts' },
    ]);
    expect(other).toEqual([]);
    expect(JSON.parse(JSON.stringify(mine))).toEqual(mine);
  });

  it('reports a backoff that beat a shorter hint, and the reason of a give-up at once', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 5, backoff: constant(500), clock });
    const seen: Decision[] = [];
    const call = policy
      .execute(
        (ctx) => {
          if (ctx.attempt === 1) throw hinted(100);
          throw markNonRetryable(new Error('no'));
        },
        { onDecision: (d) => seen.push(d) },
      )
      .catch((e: unknown) => e);
    await clock.advance(500);
    await call;
    expect(seen).toEqual([
      {
        layer: 'retry',
        decision: 'wait',
        attempt: 1,
        delayMs: 500,
        delaySource: 'backoff',
        backoffMs: 500,
        retryAfterMs: 100,
      },
      { layer: 'retry', decision: 'give-up', attempts: 2, reason: 'not-retryable' },
    ]);
  });

  it('inner policies see the same listener through the retry’s attempt contexts', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    const refusing = {
      execute: () => Promise.reject(new RejectedError('SENTINEL_REJECTED', 'no', { retryAfterMs: 5_000 })),
    };
    const policy = compose(retry({ maxAttempts: 2, backoff: constant(1), maxRetryAfterMs: 1_000, clock }), refusing);
    const error = await policy
      .execute(() => 'never', { onDecision: (d) => seen.push(`${d.layer}:${d.decision}`) })
      .catch((e: unknown) => e);
    expect((error as RejectedError).retryAfterMs).toBe(5_000);
    expect(seen).toEqual(['retry:give-up']);
  });
});
