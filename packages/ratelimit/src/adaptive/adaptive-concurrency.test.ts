import { getEventListeners } from 'node:events';
import { compose, timeout } from '@sentinel/core';
import { EventRecorder, flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { uncaught } from '../../../core/test/uncaught.ts';
import { isRateLimitedError } from '../errors.ts';
import { adaptiveConcurrency } from './adaptive-concurrency.ts';
import type { LimitChangeEvent } from './events.ts';

/** An error as the client's HttpError carries it: a numeric status. */
const httpError = (status: number) => Object.assign(new Error(`HTTP ${status}`), { status });

/** Starts `count` calls that each wait for the test to settle them. */
function gated(limiter: ReturnType<typeof adaptiveConcurrency>, count: number, signal?: AbortSignal) {
  const gates: { resolve: (value: string) => void; reject: (error: unknown) => void }[] = [];
  const started: number[] = [];
  const calls = Array.from({ length: count }, (_, i) =>
    limiter.execute(
      () =>
        new Promise<string>((resolve, reject) => {
          started.push(i);
          gates[i] = { resolve, reject };
        }),
      { signal },
    ),
  );
  const settled = calls.map((call) => call.catch((error: unknown) => error));
  const gate = (i: number) => {
    const g = gates[i];
    if (g === undefined) throw new Error(`call ${i} has not started`);
    return g;
  };
  return { calls: settled, started, gate };
}

describe('adaptiveConcurrency', () => {
  it('admits `initial` calls at once; the others wait and start in FIFO order as slots free up', async () => {
    const limiter = adaptiveConcurrency({ initial: 2 });
    const { calls, started, gate } = gated(limiter, 4);
    await flushMicrotasks();
    expect(started).toEqual([0, 1]);
    expect(limiter.status()).toMatchObject({ limit: 2, inFlight: 2, waiting: 2 });
    gate(1).resolve('b');
    await flushMicrotasks();
    expect(started).toEqual([0, 1, 2]);
    gate(0).resolve('a');
    gate(2).resolve('c');
    await flushMicrotasks();
    gate(3).resolve('d');
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'c', 'd']);
    expect(limiter.status()).toMatchObject({ inFlight: 0, waiting: 0, calls: 4 });
  });

  it('aimd: grows by one per window of successes while the limit is in use', async () => {
    const limiter = adaptiveConcurrency({ initial: 4 });
    const changes = new EventRecorder();
    limiter.onLimitChange(changes.listener('limit'));
    const { calls, gate } = gated(limiter, 6);
    await flushMicrotasks();
    // Calls admitted with at least half the limit in flight grow it by 1 / limit: the first call
    // (admitted alone) does not; the next four take it 4 → 4.25 → 4.49 → 4.71 → 4.92, the sixth to 5.
    for (let i = 0; i < 5; i++) {
      gate(i).resolve('ok');
      await flushMicrotasks();
    }
    expect(limiter.status().limit).toBe(4);
    gate(5).resolve('ok');
    await Promise.all(calls);
    expect(limiter.status().limit).toBe(5);
    expect(changes.payloads<LimitChangeEvent>('limit')).toEqual([{ from: 4, to: 5, reason: 'growth' }]);
  });

  it('does not grow while the limit is not in use (successes at low load say nothing)', async () => {
    const limiter = adaptiveConcurrency({ initial: 20 });
    for (let i = 0; i < 200; i++) await limiter.execute(async () => i);
    expect(limiter.status().limit).toBe(20);
  });

  it('an overload shrinks the limit by 10 %, once for all the calls admitted before the decrease', async () => {
    const limiter = adaptiveConcurrency({ initial: 10 });
    const changes = new EventRecorder();
    limiter.onLimitChange(changes.listener('limit'));
    const burst = gated(limiter, 10);
    await flushMicrotasks();
    for (let i = 0; i < 10; i++) burst.gate(i).reject(httpError(503));
    await Promise.all(burst.calls);
    expect(limiter.status()).toMatchObject({ limit: 9, overloads: 10 });
    // A call admitted after that decrease overloads again: a second decrease.
    await expect(limiter.execute(() => Promise.reject(httpError(429)))).rejects.toMatchObject({ status: 429 });
    expect(limiter.status().limit).toBe(8);
    expect(changes.payloads<LimitChangeEvent>('limit')).toEqual([
      { from: 10, to: 9, reason: 'overload' },
      { from: 9, to: 8, reason: 'overload' },
    ]);
  });

  it('a TimeoutError is an overload: a timeout inside the limiter shrinks it', async () => {
    const clock = new ManualClock();
    const limiter = adaptiveConcurrency({ initial: 10, clock });
    const call = compose(limiter, timeout({ ms: 100, clock })).execute(({ signal }) => clock.sleep(1_000, signal));
    const settled = call.catch((error: unknown) => error);
    await clock.advance(100);
    expect(await settled).toMatchObject({ code: 'SENTINEL_TIMEOUT' });
    expect(limiter.status()).toMatchObject({ limit: 9, overloads: 1, inFlight: 0 });
    expect(clock.pending).toBe(0);
  });

  it('failures that are not overloads, and calls whose caller aborted, teach the limit nothing', async () => {
    const limiter = adaptiveConcurrency({ initial: 3, min: 1 });
    const notFound = gated(limiter, 3);
    await flushMicrotasks();
    for (let i = 0; i < 3; i++) notFound.gate(i).reject(httpError(404));
    await Promise.all(notFound.calls);
    const controller = new AbortController();
    const aborted = gated(limiter, 3, controller.signal);
    await flushMicrotasks();
    controller.abort(new Error('gone'));
    for (let i = 0; i < 3; i++) aborted.gate(i).reject(httpError(503));
    await Promise.all(aborted.calls);
    expect(limiter.status()).toMatchObject({ limit: 3, overloads: 0, inFlight: 0 });
  });

  it('isOverload can judge values (a resolved 503); a throwing one is reported and counts no overload', async () => {
    const limiter = adaptiveConcurrency({
      initial: 10,
      isOverload: (outcome) => outcome.ok && (outcome.value as { status: number }).status === 503,
    });
    expect(await limiter.execute(async () => ({ status: 503 }))).toEqual({ status: 503 });
    expect(limiter.status()).toMatchObject({ limit: 9, overloads: 1 });

    const bug = new Error('bug in isOverload');
    const buggy = adaptiveConcurrency({
      initial: 10,
      isOverload: () => {
        throw bug;
      },
    });
    const seen = await uncaught(async () => {
      expect(await buggy.execute(async () => 'value')).toBe('value');
    });
    expect(seen).toEqual([bug]);
    expect(buggy.status()).toMatchObject({ limit: 10, overloads: 0, inFlight: 0 });
  });

  it('stays within [min, max]', async () => {
    const low = adaptiveConcurrency({ initial: 2, min: 2, max: 3 });
    for (let i = 0; i < 20; i++) await low.execute(() => Promise.reject(httpError(503))).catch(() => {});
    expect(low.status().limit).toBe(2);
    const { calls, gate } = gated(low, 60);
    for (let i = 0; i < 60; i++) {
      await flushMicrotasks();
      gate(i).resolve('ok');
    }
    await Promise.all(calls);
    expect(low.status()).toMatchObject({ limit: 3, min: 2, max: 3 });
  });

  it('refuses a call at once when maxQueue callers wait, with RateLimitedError queue-full and an event', async () => {
    const limiter = adaptiveConcurrency({ initial: 1, maxQueue: 1 });
    const rejected = new EventRecorder();
    limiter.onRejected(rejected.listener('rejected'));
    const { calls, gate } = gated(limiter, 2);
    let ran = false;
    const refused = await limiter
      .execute(() => {
        ran = true;
      })
      .catch((error: unknown) => error);
    expect(isRateLimitedError(refused)).toBe(true);
    expect(refused).toMatchObject({ reason: 'queue-full', code: 'SENTINEL_RATE_LIMITED' });
    expect(ran).toBe(false);
    expect(rejected.payloads('rejected')).toEqual([{ reason: 'queue-full', retryAfterMs: undefined }]);
    await flushMicrotasks();
    gate(0).resolve('a');
    await flushMicrotasks();
    gate(1).resolve('b');
    expect(await Promise.all(calls)).toEqual(['a', 'b']);
    expect(limiter.status()).toMatchObject({ rejected: 1, maxQueue: 1 });
    const none = adaptiveConcurrency({ initial: 1, maxQueue: 0 });
    const busy = gated(none, 1);
    await expect(none.execute(() => 1)).rejects.toMatchObject({ reason: 'queue-full' });
    await flushMicrotasks();
    busy.gate(0).resolve('x');
    await Promise.all(busy.calls);
  });

  it('an already-aborted signal rejects at once without calling fn', async () => {
    const limiter = adaptiveConcurrency();
    const controller = new AbortController();
    const reason = new Error('gone');
    controller.abort(reason);
    let ran = false;
    await expect(
      limiter.execute(
        () => {
          ran = true;
        },
        { signal: controller.signal },
      ),
    ).rejects.toBe(reason);
    expect(ran).toBe(false);
    expect(limiter.status()).toMatchObject({ calls: 0, inFlight: 0 });
  });

  it('a waiter whose signal aborts leaves at once; the others keep their order, and no listener is left behind', async () => {
    const limiter = adaptiveConcurrency({ initial: 1 });
    const running = gated(limiter, 1);
    const leaving = new AbortController();
    const staying = new AbortController();
    const order: string[] = [];
    const first = limiter.execute(() => order.push('leaving'), { signal: leaving.signal });
    const second = limiter.execute(() => order.push('staying'), { signal: staying.signal });
    await flushMicrotasks();
    const reason = new Error('user left');
    leaving.abort(reason);
    await expect(first).rejects.toBe(reason);
    expect(limiter.status().waiting).toBe(1);
    running.gate(0).resolve('done');
    await second;
    expect(order).toEqual(['staying']);
    expect(getEventListeners(staying.signal, 'abort')).toHaveLength(0);
    expect(limiter.status()).toMatchObject({ inFlight: 0, waiting: 0 });
  });

  it('listeners that throw never break the limiter', async () => {
    const limiter = adaptiveConcurrency({ initial: 1, maxQueue: 0 });
    const bugs = [new Error('onLimitChange'), new Error('onRejected')];
    limiter.onLimitChange(() => {
      throw bugs[0];
    });
    limiter.onRejected(() => {
      throw bugs[1];
    });
    const seen = await uncaught(async () => {
      const busy = gated(limiter, 1);
      await expect(limiter.execute(() => 1)).rejects.toMatchObject({ reason: 'queue-full' });
      await flushMicrotasks();
      busy.gate(0).resolve('ok');
      await Promise.all(busy.calls);
    });
    expect(seen).toEqual([bugs[1], bugs[0]]);
    expect(limiter.status()).toMatchObject({ limit: 2, inFlight: 0, rejected: 1 });
    expect(await limiter.execute(async () => 'still works')).toBe('still works');
  });

  it('status() survives a JSON round trip unchanged, for both algorithms', async () => {
    const clock = new ManualClock();
    for (const algorithm of ['aimd', 'gradient'] as const) {
      const limiter = adaptiveConcurrency({ algorithm, initial: 1, clock });
      expect(JSON.parse(JSON.stringify(limiter.status()))).toEqual(limiter.status());
      const call = limiter.execute(() => clock.sleep(10));
      await clock.advance(10);
      await call;
      const status = limiter.status();
      expect(JSON.parse(JSON.stringify(status))).toEqual(status);
    }
    const gradient = adaptiveConcurrency({ algorithm: 'gradient', initial: 1, clock }).status();
    expect(gradient.rtt).toEqual({ shortMs: null, longMs: null });
    expect(adaptiveConcurrency().status()).toMatchObject({ algorithm: 'aimd', maxQueue: null, rtt: null });
  });
});
