import { isConfigError } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import type { RateLimitedError } from '../errors.ts';
import { concurrency } from './concurrency.ts';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('concurrency (bulkhead)', () => {
  it('runs at most `max` calls at once and starts the next in FIFO order', async () => {
    const bulkhead = concurrency({ max: 2 });
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    const runs = gates.map((gate, i) =>
      bulkhead.execute(async () => {
        started.push(i);
        await gate.promise;
        return i;
      }),
    );
    await flushMicrotasks();
    expect(started).toEqual([0, 1]);
    expect(bulkhead.status()).toEqual({ active: 2, max: 2, waiting: 2, maxQueue: null });
    gates[1]?.resolve();
    await flushMicrotasks();
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(bulkhead.status().active).toBe(0);
  });

  it('releases the slot when the call rejects or throws synchronously', async () => {
    const bulkhead = concurrency({ max: 1 });
    await expect(bulkhead.execute(() => Promise.reject(new Error('async')))).rejects.toThrow('async');
    await expect(
      bulkhead.execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(bulkhead.status().active).toBe(0);
    expect(await bulkhead.execute(() => 'ok')).toBe('ok');
  });

  it('a caller aborted while queued leaves at once and never holds a slot', async () => {
    const bulkhead = concurrency({ max: 1 });
    const gate = deferred();
    const running = bulkhead.execute(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = bulkhead.execute(
      () => {
        ran = true;
      },
      { signal: controller.signal },
    );
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(queued).rejects.toBe(reason);
    expect(bulkhead.status()).toMatchObject({ active: 1, waiting: 0 });
    gate.resolve();
    await running;
    expect(ran).toBe(false);
    expect(bulkhead.status().active).toBe(0);
  });

  it('maxQueue rejects at once with RateLimitedError; maxQueue 0 never queues', async () => {
    const bulkhead = concurrency({ max: 1, maxQueue: 1 });
    bulkhead.tryAcquire();
    const waiting = bulkhead.acquire();
    await expect(bulkhead.acquire()).rejects.toMatchObject({ code: 'SENTINEL_RATE_LIMITED', reason: 'queue-full' });
    bulkhead.release();
    await waiting;
    const none = concurrency({ max: 1, maxQueue: 0 });
    none.tryAcquire();
    await expect(none.execute(() => 1)).rejects.toMatchObject({ reason: 'queue-full' });
  });

  it('maxWaitMs rejects a waiter that got no slot in time, and its timer is cleared otherwise', async () => {
    const clock = new ManualClock();
    const bulkhead = concurrency({ max: 1, clock });
    bulkhead.tryAcquire();
    const late = bulkhead.acquire(1, { maxWaitMs: 100 }).catch((e: unknown) => e);
    const served = bulkhead.acquire(1, { maxWaitMs: 1_000 });
    await clock.advance(100);
    expect(((await late) as RateLimitedError).reason).toBe('max-wait');
    bulkhead.release();
    await served;
    await flushMicrotasks();
    expect(clock.pending).toBe(0);
  });

  it('a large waiter at the head is not overtaken, and its abort lets smaller ones in', async () => {
    const bulkhead = concurrency({ max: 3 });
    bulkhead.tryAcquire(2);
    const controller = new AbortController();
    const big = bulkhead.acquire(3, { signal: controller.signal });
    const small = bulkhead.acquire(1);
    expect(bulkhead.tryAcquire(1)).toBe(false);
    controller.abort();
    await expect(big).rejects.toThrow();
    await small;
    expect(bulkhead.status()).toMatchObject({ active: 3, waiting: 0 });
  });

  it('refuses bad options, n above max, and releasing slots not held', async () => {
    expect(() => concurrency({ max: 0 })).toThrow(/"max" must be an integer >= 1/);
    expect(() => concurrency({ max: 1, maxQueue: -1 })).toThrow(/"maxQueue"/);
    const bulkhead = concurrency({ max: 2 });
    expect(() => bulkhead.tryAcquire(3)).toThrow(/between 1 and 2/);
    await expect(bulkhead.acquire(3)).rejects.toSatisfy(isConfigError);
    expect(() => bulkhead.release()).toThrow(/the slots held/);
  });
});
