import { compose, type ExecutionContext, failure, markNonRetryable, type Outcome, timeout } from '@sentinel/core';
import { EventRecorder, flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { uncaught } from '../../../core/test/uncaught.ts';
import { retry } from '../retry/retry.ts';
import { constant } from '../schedules/shapes.ts';
import { isHedgeLostError } from './errors.ts';
import type { HedgeEvent, HedgeGiveUpEvent, WinEvent } from './events.ts';
import { hedge } from './hedge.ts';

interface Attempt {
  readonly ctx: ExecutionContext;
  readonly startedAt: number;
  resolve(value: string): void;
  reject(error: unknown): void;
}

/** Work whose attempts the test settles by hand; each attempt rejects when its signal aborts. */
function controllable(clock: ManualClock) {
  const attempts: Attempt[] = [];
  const work = (ctx: ExecutionContext) =>
    new Promise<string>((resolve, reject) => {
      attempts.push({ ctx, startedAt: clock.now(), resolve, reject });
      ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason));
    });
  return { attempts, work };
}

function at(attempts: Attempt[], index: number): Attempt {
  const attempt = attempts[index];
  if (attempt === undefined) throw new Error(`attempt ${index + 1} never started`);
  return attempt;
}

describe('hedge', () => {
  it('returns the primary’s answer within the delay: no hedge, and no timer left', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 100, clock });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    await clock.advance(99);
    at(attempts, 0).resolve('primary');
    expect(await call).toBe('primary');
    expect(attempts).toHaveLength(1);
    expect(clock.pending).toBe(0);
    expect(policy.status()).toMatchObject({ calls: 1, hedges: 0, primaryWins: 1, hedgeWins: 0, running: 0 });
  });

  it('starts a hedge after the delay; the first answer wins and the loser is aborted, the winner never', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 100, clock });
    const events = new EventRecorder();
    policy.onHedge(events.listener('hedge'));
    policy.onWin(events.listener('win'));
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    await clock.advance(100);
    expect(attempts.map((a) => [a.ctx.attempt, a.startedAt])).toEqual([
      [1, 0],
      [2, 100],
    ]);
    await clock.advance(20);
    at(attempts, 1).resolve('hedge');
    expect(await call).toBe('hedge');
    const primary = at(attempts, 0).ctx.signal;
    expect(primary.aborted).toBe(true);
    expect(isHedgeLostError(primary.reason)).toBe(true);
    expect(primary.reason).toMatchObject({ attempt: 1, winner: 2, code: 'SENTINEL_HEDGE_LOST' });
    expect(at(attempts, 1).ctx.signal.aborted).toBe(false);
    expect(events.payloads<HedgeEvent>('hedge')).toEqual([{ hedge: 1, attempt: 2, reason: 'delay', running: 1 }]);
    expect(events.payloads<WinEvent>('win')).toEqual([
      { attempt: 2, hedges: 1, latencyMs: 120, outcome: { ok: true, value: 'hedge' } },
    ]);
    await flushMicrotasks();
    expect(clock.pending).toBe(0);
    expect(policy.status()).toMatchObject({ calls: 1, hedges: 1, primaryWins: 0, hedgeWins: 1, running: 0 });
  });

  it('runs the work at most 1 + maxHedges times, each hedge a delay after the previous one', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 50, maxHedges: 2, clock });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    await clock.advance(1_000);
    expect(attempts.map((a) => a.startedAt)).toEqual([0, 50, 100]);
    expect(clock.pending).toBe(0);
    at(attempts, 0).resolve('slow primary');
    expect(await call).toBe('slow primary');
    expect(attempts.slice(1).map((a) => isHedgeLostError(a.ctx.signal.reason))).toEqual([true, true]);
    expect(at(attempts, 0).ctx.signal.aborted).toBe(false);
  });

  it('calls a delay function with the 1-based number of the hedge about to start; a backoff schedule works too', async () => {
    const clock = new ManualClock();
    const seen: number[] = [];
    const policy = hedge({
      delayMs: (hedgeNumber) => {
        seen.push(hedgeNumber);
        return hedgeNumber * 100;
      },
      maxHedges: 3,
      clock,
    });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    await clock.advance(1_000);
    expect(seen).toEqual([1, 2, 3]);
    expect(attempts.map((a) => a.startedAt)).toEqual([0, 100, 300, 600]);
    at(attempts, 3).resolve('fourth');
    expect(await call).toBe('fourth');

    const scheduled = hedge({ delayMs: constant(30), maxHedges: 1, clock });
    const more = controllable(clock);
    const second = scheduled.execute(more.work);
    await clock.advance(30);
    expect(more.attempts.map((a) => a.startedAt - clock.now())).toEqual([-30, 0]);
    at(more.attempts, 0).resolve('ok');
    expect(await second).toBe('ok');
  });

  it('hedges at once when an attempt fails, without waiting for the delay', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 1_000, clock });
    const events = new EventRecorder();
    policy.onHedge(events.listener('hedge'));
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    await clock.advance(10);
    at(attempts, 0).reject(new Error('503'));
    await flushMicrotasks();
    expect(attempts.map((a) => a.startedAt)).toEqual([0, 10]);
    expect(events.payloads<HedgeEvent>('hedge')).toEqual([{ hedge: 1, attempt: 2, reason: 'failure', running: 0 }]);
    at(attempts, 1).resolve('second try');
    expect(await call).toBe('second try');
    expect(clock.pending).toBe(0);
  });

  it('gives up with the last outcome when every allowed attempt failed', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 100, maxHedges: 1, clock });
    const events = new EventRecorder();
    policy.onGiveUp(events.listener('giveUp'));
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    const settled = call.catch((error: unknown) => error);
    await clock.advance(100);
    const last = new Error('second 503');
    at(attempts, 1).reject(last);
    at(attempts, 0).reject(new Error('first 503'));
    expect(await settled).toEqual(new Error('first 503'));
    expect(events.payloads<HedgeGiveUpEvent>('giveUp')).toEqual([
      { attempts: 2, reason: 'attempts', outcome: failure(new Error('first 503')) },
    ]);
    expect(policy.status()).toMatchObject({ giveUps: 1, hedges: 1 });
    expect(clock.pending).toBe(0);
  });

  it('an error marked non-retryable settles the call at once and aborts the others', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 10, maxHedges: 2, clock });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    const settled = call.catch((error: unknown) => error);
    await clock.advance(10);
    const fatal = markNonRetryable(new Error('400 Bad Request'));
    at(attempts, 1).reject(fatal);
    expect(await settled).toBe(fatal);
    expect(attempts).toHaveLength(2);
    expect(at(attempts, 0).ctx.signal.reason).toMatchObject({ attempt: 1, winner: 2 });
    expect(clock.pending).toBe(0);
  });

  it('shouldHedge can refuse values too; when all are refused, the last value is returned', async () => {
    const clock = new ManualClock();
    const judged: Outcome<unknown>[] = [];
    const policy = hedge({
      delayMs: Number.POSITIVE_INFINITY,
      maxHedges: 2,
      clock,
      shouldHedge: (outcome) => {
        judged.push(outcome);
        return outcome.ok && outcome.value === 503;
      },
    });
    let calls = 0;
    expect(await policy.execute(async () => (++calls < 3 ? 503 : 200))).toBe(200);
    calls = 0;
    expect(await policy.execute(async () => 503 + 0 * ++calls)).toBe(503);
    expect(calls).toBe(3);
    expect(judged).toHaveLength(6);
    // An infinite delay never arms a timer: hedges start only after failures.
    expect(clock.pending).toBe(0);
  });

  it('a synchronous throw is an attempt’s failure like any other', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 100, clock });
    let calls = 0;
    const value = await policy.execute((ctx) => {
      calls++;
      if (ctx.attempt === 1) throw new Error('sync');
      return 'hedged';
    });
    expect([value, calls]).toEqual(['hedged', 2]);
  });

  it('hedges spend a retry budget; a refused hedge does not start', async () => {
    const clock = new ManualClock();
    let allowed = 1;
    const recorded: string[] = [];
    const budget = {
      recordCall: () => recorded.push('call'),
      tryRetry: () => {
        recorded.push('retry');
        return allowed-- > 0;
      },
      status: () => ({ calls: 0, retries: 0, available: 0, skipped: 0, ratio: 0.2, minPerSecond: 0, windowMs: 1_000 }),
    };
    const policy = hedge({ delayMs: 10, maxHedges: 3, budget, clock });
    const events = new EventRecorder();
    policy.onGiveUp(events.listener('giveUp'));
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work).catch((error: unknown) => error);
    await clock.advance(100);
    expect(attempts).toHaveLength(2);
    expect(recorded).toEqual(['call', 'retry', 'retry']);
    at(attempts, 0).reject(new Error('a'));
    at(attempts, 1).reject(new Error('b'));
    expect(await call).toEqual(new Error('b'));
    expect(events.payloads<HedgeGiveUpEvent>('giveUp')[0]?.reason).toBe('budget');
    expect(policy.status()).toMatchObject({ budgetRefusals: 1, hedges: 1, budget: { ratio: 0.2 } });
  });

  it('an already-aborted signal rejects at once with its reason, without calling fn', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 10, clock });
    const controller = new AbortController();
    controller.abort(new Error('gone'));
    let calls = 0;
    await expect(policy.execute(() => ++calls, { signal: controller.signal })).rejects.toThrow('gone');
    expect(calls).toBe(0);
    expect(clock.pending).toBe(0);
    expect(policy.status().calls).toBe(0);
  });

  it('an abort during the call rejects at once with the reason, aborts every attempt and clears the timer', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 10, maxHedges: 2, clock });
    const { attempts, work } = controllable(clock);
    const controller = new AbortController();
    const call = policy.execute(work, { signal: controller.signal });
    await clock.advance(10);
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(attempts.map((a) => a.ctx.signal.reason)).toEqual([reason, reason]);
    expect(clock.pending).toBe(0);
    await clock.advance(100);
    expect(attempts).toHaveLength(2);
    expect(policy.status()).toMatchObject({ aborts: 1, running: 0 });
  });

  it('delayMs 0 starts every attempt at once, with no timer: a race', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 0, maxHedges: 2, clock });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work);
    expect(attempts.map((a) => a.ctx.attempt)).toEqual([1, 2, 3]);
    expect(clock.pending).toBe(0);
    at(attempts, 2).resolve('third');
    expect(await call).toBe('third');
    expect(attempts.slice(0, 2).map((a) => a.ctx.signal.aborted)).toEqual([true, true]);
  });

  it('maxHedges 0 never hedges and arms no timer', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 10, maxHedges: 0, clock });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work).catch((error: unknown) => error);
    expect(clock.pending).toBe(0);
    await flushMicrotasks();
    at(attempts, 0).reject(new Error('down'));
    expect(await call).toEqual(new Error('down'));
    expect(attempts).toHaveLength(1);
  });

  it('works on a clock without the timer fast path (a cancellable sleep), leaving nothing pending', async () => {
    const manual = new ManualClock();
    const clock = { now: () => manual.now(), sleep: (ms: number, signal?: AbortSignal) => manual.sleep(ms, signal) };
    const policy = hedge({ delayMs: 10, maxHedges: 1, clock });
    const { attempts, work } = controllable(manual);
    const call = policy.execute(work);
    await manual.advance(10);
    expect(attempts).toHaveLength(2);
    at(attempts, 0).resolve('first');
    expect(await call).toBe('first');
    const quick = policy.execute(async () => 'quick');
    expect(await quick).toBe('quick');
    await flushMicrotasks();
    expect(manual.pending).toBe(0);
  });

  it('a percentile delay waits initialMs until minSamples calls are known, then that percentile of them', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: { percentile: 50, window: 4, minSamples: 3, initialMs: 1_000 }, clock });
    expect(policy.status().latency).toEqual({ percentile: 50, samples: 0, valueMs: null });
    const answerAfter = async (ms: number) => {
      const call = policy.execute((ctx) => clock.sleep(ms, ctx.signal).then(() => ms));
      await clock.advance(ms);
      return call;
    };
    for (const ms of [40, 10, 30]) expect(await answerAfter(ms)).toBe(ms);
    expect(policy.status().latency).toEqual({ percentile: 50, samples: 3, valueMs: 30 });
    expect(policy.status().hedges).toBe(0);
    // Now the delay is 30 ms: a call that has not answered by then is hedged.
    const { attempts, work } = controllable(clock);
    const slow = policy.execute(work);
    await clock.advance(30);
    const started = at(attempts, 0).startedAt;
    expect(attempts.map((a) => a.startedAt - started)).toEqual([0, 30]);
    await clock.advance(5);
    at(attempts, 1).resolve('rescued');
    expect(await slow).toBe('rescued');
    // The rescued call counts with the 35 ms it really took; the window holds 4 latencies.
    expect(policy.status().latency).toEqual({ percentile: 50, samples: 4, valueMs: 30 });
    // The oldest latencies (40, then 10) leave the window as new ones come.
    expect(await answerAfter(100)).toBe(100);
    expect(await answerAfter(100)).toBe(100);
    expect(policy.status().latency).toEqual({ percentile: 50, samples: 4, valueMs: 35 });
  });

  it('a delay function returning something that is not a delay fails the call with a ConfigError', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const first = hedge({ delayMs: () => Number.NaN, clock });
    await expect(first.execute(() => ++calls)).rejects.toThrow('hedge: "delayMs" must be a function returning a delay');
    expect(calls).toBe(0);
    const later = hedge({ delayMs: (n) => (n === 1 ? 10 : -1), maxHedges: 2, clock });
    const { attempts, work } = controllable(clock);
    const call = later.execute(work).catch((error: unknown) => error);
    await clock.advance(10);
    expect(await call).toMatchObject({ code: 'SENTINEL_CONFIG', option: 'delayMs', value: -1 });
    expect(attempts.map((a) => a.ctx.signal.aborted)).toEqual([true, true]);
    expect(clock.pending).toBe(0);
  });

  it('a throwing shouldHedge rejects the call with that error and aborts the running attempts', async () => {
    const clock = new ManualClock();
    const bug = new Error('bug in shouldHedge');
    const policy = hedge({
      delayMs: 10,
      clock,
      shouldHedge: () => {
        throw bug;
      },
    });
    const { attempts, work } = controllable(clock);
    const call = policy.execute(work).catch((error: unknown) => error);
    await clock.advance(10);
    at(attempts, 0).resolve('x');
    expect(await call).toBe(bug);
    expect(at(attempts, 1).ctx.signal.reason).toBe(bug);
  });

  it('listeners that throw never break the policy', async () => {
    const clock = new ManualClock();
    const policy = hedge({ delayMs: 10, maxHedges: 1, clock });
    const bugs = [new Error('onHedge'), new Error('onWin'), new Error('onGiveUp')];
    policy.onHedge(() => {
      throw bugs[0];
    });
    policy.onWin(() => {
      throw bugs[1];
    });
    policy.onGiveUp(() => {
      throw bugs[2];
    });
    const seen = await uncaught(async () => {
      const { attempts, work } = controllable(clock);
      const won = policy.execute(work);
      await clock.advance(10);
      at(attempts, 1).resolve('won');
      expect(await won).toBe('won');
      const lost = policy.execute(() => Promise.reject(new Error('down'))).catch((error: unknown) => error);
      expect(await lost).toEqual(new Error('down'));
    });
    expect(seen).toEqual([bugs[0], bugs[1], bugs[0], bugs[2]]);
    expect(policy.status()).toMatchObject({ calls: 2, hedgeWins: 1, giveUps: 1, running: 0 });
  });

  it('composed: retry → hedge → timeout — each attempt has its own deadline, and a failed call is retried and hedged again', async () => {
    const clock = new ManualClock();
    const policy = compose(
      retry({ maxAttempts: 2, backoff: constant(1_000), clock }),
      hedge({ delayMs: 50, maxHedges: 1, clock }),
      timeout({ ms: 100, clock }),
    );
    const started: [number, number][] = [];
    const call = policy.execute((ctx) => {
      started.push([ctx.attempt, clock.now()]);
      // Only the fourth attempt in all (the retry's hedge) answers; the others hang until their deadline.
      if (started.length === 4) return Promise.resolve('answer');
      return clock.sleep(10_000, ctx.signal).then(() => 'never');
    });
    await clock.advance(2_000);
    expect(await call).toBe('answer');
    // Hedge attempts 1 and 2 at 0 and 50 time out at 100 and 150; the retry waits 1 s, then hedges again.
    expect(started).toEqual([
      [1, 0],
      [2, 50],
      [1, 1_150],
      [2, 1_200],
    ]);
    expect(clock.pending).toBe(0);
  });

  it('status() survives a JSON round trip unchanged, with a budget and a tracked latency', async () => {
    const clock = new ManualClock();
    const { retryBudget } = await import('../budget/retry-budget.ts');
    const policy = hedge({ delayMs: { percentile: 99 }, budget: retryBudget({ clock }), clock });
    expect(JSON.parse(JSON.stringify(policy.status()))).toEqual(policy.status());
    await policy.execute(async () => 1);
    const status = policy.status();
    expect(status).toMatchObject({ latency: { samples: 1, valueMs: null }, budget: { calls: 1 } });
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    const plain = hedge({ delayMs: 5, clock }).status();
    expect(plain).toMatchObject({ latency: null, budget: null });
    expect(JSON.parse(JSON.stringify(plain))).toEqual(plain);
  });
});
