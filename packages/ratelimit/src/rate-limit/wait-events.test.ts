import { compose, type Decision, isConfigError } from '@sentinel/core';
import { EventRecorder, flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import type { Limiter } from '../limiter.ts';
import { tokenBucket } from '../token-bucket/token-bucket.ts';
import { rateLimit } from './rate-limit.ts';

/** A clock over `manual` that counts its `now()` reads: what "the clock is not read" is tested with. */
function countingClock(manual: ManualClock) {
  const clock = {
    reads: 0,
    now: () => {
      clock.reads++;
      return manual.now();
    },
    sleep: manual.sleep.bind(manual),
  };
  return clock;
}

describe('rateLimit: onWait and per-call decisions', () => {
  it('onWait reports how long a call waited for its permit, on the policy’s clock', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 10, clock, initialTokens: 0 });
    const policy = rateLimit({ limiter, clock });
    const events = new EventRecorder();
    policy.onWait(events.listener('wait'));
    const first = policy.execute(() => 'first');
    const second = policy.execute(() => 'second');
    await clock.advance(100);
    expect(await first).toBe('first');
    await clock.advance(100);
    expect(await second).toBe('second');
    expect(events.payloads('wait')).toEqual([
      { waitedMs: 100, cost: 1 },
      { waitedMs: 200, cost: 1 },
    ]);
  });

  it('a call granted at once is not a wait: no event, and the clock is not read', async () => {
    const manual = new ManualClock();
    const counting = countingClock(manual);
    const policy = rateLimit({
      limiter: tokenBucket({ capacity: 5, refillPerSecond: 1, clock: manual }),
      clock: counting,
    });
    const events = new EventRecorder();
    policy.onWait(events.listener('wait'));
    await policy.execute(() => 1);
    expect(events.names()).toEqual([]);
    expect(counting.reads).toBe(0);
  });

  it('without a listener a waiting call reads no clock (free when nobody listens)', async () => {
    const manual = new ManualClock();
    const counting = countingClock(manual);
    const policy = rateLimit({
      limiter: tokenBucket({ capacity: 1, refillPerSecond: 10, clock: manual, initialTokens: 0 }),
      clock: counting,
    });
    const call = policy.execute(() => 'ran');
    await manual.advance(100);
    expect(await call).toBe('ran');
    expect(counting.reads).toBe(0);
  });

  it('reports the wait and the refusals to the call’s own onDecision', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 10, clock, initialTokens: 0 });
    const policy = rateLimit({ limiter, clock, maxWaitMs: 250 });
    const first: Decision[] = [];
    const second: Decision[] = [];
    const third: Decision[] = [];
    const a = policy.execute(() => 'a', { onDecision: (d) => first.push(d) });
    const b = policy.execute(() => 'b', { onDecision: (d) => second.push(d) });
    const c = policy.execute(() => 'c', { onDecision: (d) => third.push(d) }).catch((e: unknown) => e);
    await flushMicrotasks();
    await clock.advance(200);
    await Promise.all([a, b, c]);
    expect(first).toEqual([{ layer: 'rate-limit', decision: 'wait', waitedMs: 100 }]);
    expect(second).toEqual([{ layer: 'rate-limit', decision: 'wait', waitedMs: 200 }]);
    // Behind two waiters the third would wait ~300 ms, past maxWaitMs: refused at once.
    expect(third).toEqual([{ layer: 'rate-limit', decision: 'reject', reason: 'max-wait', retryAfterMs: 300 }]);
    expect(JSON.parse(JSON.stringify(third))).toEqual(third);
  });

  it("'reject' mode reports the refusal, with the limiter's estimate when it has one", async () => {
    const clock = new ManualClock();
    const policy = rateLimit({
      limiter: tokenBucket({ capacity: 1, refillPerSecond: 4, clock, initialTokens: 0 }),
      mode: 'reject',
    });
    const seen: Decision[] = [];
    await policy.execute(() => 1, { onDecision: (d) => seen.push(d) }).catch(() => {});
    expect(seen).toEqual([{ layer: 'rate-limit', decision: 'reject', reason: 'empty', retryAfterMs: 250 }]);
    const bare: Limiter = { tryAcquire: () => false, acquire: () => Promise.resolve() };
    const noEstimate = rateLimit({ limiter: bare, mode: 'reject' });
    const other: Decision[] = [];
    await noEstimate.execute(() => 1, { onDecision: (d) => other.push(d) }).catch(() => {});
    expect(other).toEqual([{ layer: 'rate-limit', decision: 'reject', reason: 'empty' }]);
  });

  it('the listener reaches it through a composition, and a bad clock is refused at construction', async () => {
    const clock = new ManualClock();
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 10, clock, initialTokens: 0 });
    const seen: Decision[] = [];
    const call = compose(rateLimit({ limiter, clock })).execute(() => 'x', { onDecision: (d) => seen.push(d) });
    await clock.advance(100);
    await call;
    expect(seen).toEqual([{ layer: 'rate-limit', decision: 'wait', waitedMs: 100 }]);
    const error = (() => {
      try {
        rateLimit({ limiter, clock: { now: () => 0 } as never });
      } catch (e) {
        return e;
      }
    })();
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('"clock"');
  });
});
