import { compose, type ExecutionContext, isConfigError, retryAfterOf } from '@sentinel/core';
import { EventRecorder, flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { concurrency } from '../concurrency/concurrency.ts';
import { isRateLimitedError } from '../errors.ts';
import type { Limiter } from '../limiter.ts';
import { tokenBucket } from '../token-bucket/token-bucket.ts';
import { rateLimit } from './rate-limit.ts';

describe('rateLimit', () => {
  it('runs the call when a permit is free and hands the enclosing context through', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    const policy = rateLimit({ limiter });
    let seen: ExecutionContext | undefined;
    const outer = compose(policy);
    expect(
      await outer.execute((ctx) => {
        seen = ctx;
        return 42;
      }),
    ).toBe(42);
    expect(seen?.attempt).toBe(1);
    expect(limiter.status().tokens).toBe(0);
  });

  it("'wait' mode waits for the permit, abortable through the call's signal", async () => {
    const clock = new ManualClock();
    const policy = rateLimit({ limiter: tokenBucket({ capacity: 1, refillPerSecond: 1, clock, initialTokens: 0 }) });
    const order: string[] = [];
    const first = policy.execute(() => order.push('first'));
    const controller = new AbortController();
    const reason = new Error('gone');
    const second = policy.execute(() => order.push('second'), { signal: controller.signal });
    controller.abort(reason);
    await expect(second).rejects.toBe(reason);
    await clock.advance(1_000);
    await first;
    expect(order).toEqual(['first']);
  });

  it("'wait' mode with maxWaitMs rejects with RateLimitedError and emits onRejected", async () => {
    const clock = new ManualClock();
    const policy = rateLimit({
      limiter: tokenBucket({ capacity: 1, refillPerSecond: 1, clock, initialTokens: 0 }),
      maxWaitMs: 500,
    });
    const events = new EventRecorder();
    policy.onRejected(events.listener('rejected'));
    const error = await policy.execute(() => 1).catch((e: unknown) => e);
    expect(isRateLimitedError(error)).toBe(true);
    expect(retryAfterOf(error)).toBe(1000);
    expect(events.payloads('rejected')).toEqual([{ reason: 'max-wait', retryAfterMs: 1000 }]);
  });

  it("'reject' mode fails at once without a permit, with retryAfterMs from the limiter", async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ capacity: 2, refillPerSecond: 4, clock });
    const policy = rateLimit({ limiter, mode: 'reject', cost: 2 });
    const events = new EventRecorder();
    policy.onRejected(events.listener('rejected'));
    await policy.execute(() => 1);
    let ran = false;
    const error = await policy
      .execute(() => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toMatchObject({ code: 'SENTINEL_RATE_LIMITED', reason: 'empty', retryAfterMs: 500 });
    expect(events.payloads('rejected')).toEqual([{ reason: 'empty', retryAfterMs: 500 }]);
  });

  it('releases a bulkhead slot when the call settles, also on failure', async () => {
    const bulkhead = concurrency({ max: 1 });
    const policy = rateLimit({ limiter: bulkhead });
    await expect(policy.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(bulkhead.status().active).toBe(0);
    let release!: () => void;
    const running = policy.execute(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = policy.execute(() => 'second');
    await flushMicrotasks();
    expect(bulkhead.status()).toMatchObject({ active: 1, waiting: 1 });
    release();
    await running;
    expect(await queued).toBe('second');
    expect(bulkhead.status().active).toBe(0);
  });

  it('works with a limiter whose tryAcquire answers asynchronously', async () => {
    let permits = 1;
    const remote: Limiter = {
      tryAcquire: async () => {
        if (permits === 0) return false;
        permits--;
        return true;
      },
      acquire: async () => {
        permits = 0;
      },
    };
    expect(await rateLimit({ limiter: remote, mode: 'reject' }).execute(() => 'a')).toBe('a');
    await expect(rateLimit({ limiter: remote, mode: 'reject' }).execute(() => 'b')).rejects.toMatchObject({
      reason: 'empty',
    });
    expect(await rateLimit({ limiter: remote }).execute(() => 'c')).toBe('c');
  });

  it('a bad cost surfaces as the limiter ConfigError, and bad options throw at construction', async () => {
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 1 });
    await expect(rateLimit({ limiter, cost: 2 }).execute(() => 1)).rejects.toSatisfy(isConfigError);
    expect(() => rateLimit({ limiter: {} as Limiter })).toThrow(/"limiter" must be a limiter/);
    expect(() => rateLimit({ limiter, mode: 'queue' as never })).toThrow(/"mode" must be one of "wait", "reject"/);
    expect(() => rateLimit({ limiter, maxWaitMs: -1 })).toThrow(/"maxWaitMs"/);
    expect(() => rateLimit({ limiter, cost: 0 })).toThrow(/"cost" must be an integer >= 1/);
  });
});
