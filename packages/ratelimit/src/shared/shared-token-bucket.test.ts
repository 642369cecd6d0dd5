import { Worker } from 'node:worker_threads';
import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { epochClock } from './epoch-clock.ts';
import { sharedTokenBucket } from './shared-token-bucket.ts';

const workerEntry = new URL('../../test/fixtures/ts-worker.mjs', import.meta.url);
const workerModule = new URL('../../test/fixtures/shared-worker.ts', import.meta.url).href;

interface Result {
  readonly granted: number;
  readonly calls: number;
}

/** Starts a worker and resolves once it is attached and ready; `go(until)` starts its run. */
function startWorker(buffer: SharedArrayBuffer, useAcquire: boolean) {
  const worker = new Worker(workerEntry, {
    workerData: { module: workerModule, buffer, useAcquire },
    execArgv: ['--conditions=@sentinel/source'],
  });
  const messages: unknown[] = [];
  const waiters: ((message: unknown) => void)[] = [];
  let failure: Error | undefined;
  const fail = (error: Error) => {
    failure = error;
    for (const waiter of waiters.splice(0)) waiter(error);
  };
  worker.on('message', (message) => {
    const waiter = waiters.shift();
    if (waiter) waiter(message);
    else messages.push(message);
  });
  worker.once('error', fail);
  worker.once('exit', (code) => fail(new Error(`worker exited with ${code}`)));
  const next = () =>
    new Promise<unknown>((resolve, reject) => {
      if (messages.length > 0) return resolve(messages.shift());
      if (failure) return reject(failure);
      waiters.push((message) => (message instanceof Error ? reject(message) : resolve(message)));
    });
  return {
    ready: next(),
    async go(until: number): Promise<Result> {
      worker.postMessage({ until });
      return (await next()) as Result;
    },
    stop: () => worker.terminate(),
  };
}

describe('sharedTokenBucket (one thread, ManualClock)', () => {
  it('grants capacity, then refills at the rate', async () => {
    const clock = new ManualClock(1_000);
    const bucket = sharedTokenBucket({ capacity: 3, refillPerSecond: 10, clock });
    expect(bucket.tryAcquire(3)).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
    expect(bucket.estimateWaitMs(1)).toBeCloseTo(100);
    await clock.advance(100);
    expect(bucket.tryAcquire()).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
    await clock.advance(10_000);
    expect(bucket.status()).toEqual({ tokens: 3, capacity: 3, refillPerSecond: 10 });
  });

  it('attach sees the same bucket', () => {
    const clock = new ManualClock();
    const bucket = sharedTokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    const other = sharedTokenBucket.attach(bucket.buffer, { clock });
    expect(bucket.tryAcquire()).toBe(true);
    expect(other.tryAcquire()).toBe(true);
    expect(bucket.tryAcquire()).toBe(false);
    expect(other.status().tokens).toBe(0);
  });

  it('acquire reserves in arrival order and an abort gives the reservation back', async () => {
    const clock = new ManualClock();
    const bucket = sharedTokenBucket({ capacity: 1, refillPerSecond: 10, clock, initialTokens: 0 });
    const order: string[] = [];
    const a = bucket.acquire().then(() => order.push('a'));
    const controller = new AbortController();
    const b = bucket.acquire(1, { signal: controller.signal });
    expect(bucket.estimateWaitMs()).toBeCloseTo(300);
    controller.abort(new Error('bye'));
    await expect(b).rejects.toThrow('bye');
    expect(bucket.estimateWaitMs()).toBeCloseTo(200);
    const c = bucket.acquire().then(() => order.push('c'));
    await clock.advance(100);
    expect(order).toEqual(['a']);
    await clock.advance(100);
    expect(order).toEqual(['a', 'c']);
    await Promise.all([a, c]);
    await expect(bucket.acquire(1, { maxWaitMs: 50 })).rejects.toMatchObject({ reason: 'max-wait' });
  });

  it('penalize pauses every attached copy', async () => {
    const clock = new ManualClock();
    const bucket = sharedTokenBucket({ capacity: 5, refillPerSecond: 10, clock });
    const other = sharedTokenBucket.attach(bucket.buffer, { clock });
    bucket.penalize(1_000);
    expect(other.tryAcquire()).toBe(false);
    await clock.advance(1_100);
    expect(other.tryAcquire()).toBe(true);
    expect(other.tryAcquire()).toBe(false);
  });

  it('property: granted <= capacity + rate x elapsed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 20 })), { maxLength: 100 }),
        async (capacity, rate, steps) => {
          const clock = new ManualClock();
          const bucket = sharedTokenBucket({ capacity, refillPerSecond: rate, clock });
          let granted = 0;
          for (const [ms, n] of steps) {
            await clock.advance(ms);
            if (n <= capacity && bucket.tryAcquire(n)) granted += n;
            expect(granted).toBeLessThanOrEqual(capacity + (rate * clock.now()) / 1000 + 1e-6);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refuses bad options, bad n and foreign buffers', () => {
    expect(() => sharedTokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(/"capacity"/);
    expect(() => sharedTokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(/"refillPerSecond"/);
    expect(() => sharedTokenBucket({ capacity: 1, refillPerSecond: 2e9 })).toThrow(/"refillPerSecond"/);
    // Regression (issue 15): a rate this low made BigInt(Infinity) throw a RangeError; a slightly
    // higher one overflowed the 64-bit state. A full refill may take at most 1e9 s.
    for (const refillPerSecond of [1e-300, 1e-10]) {
      expect(() => sharedTokenBucket({ capacity: 2, refillPerSecond })).toThrow(
        '"refillPerSecond" must be a number >= 2e-9 (capacity / 1e9: a full refill may take at most 1e9 seconds)',
      );
    }
    expect(sharedTokenBucket({ capacity: 2, refillPerSecond: 2e-9 }).status().tokens).toBe(2);
    expect(() => sharedTokenBucket.attach(new SharedArrayBuffer(40))).toThrow(/"buffer" must be the `buffer`/);
    expect(() => sharedTokenBucket.attach(new ArrayBuffer(40) as unknown as SharedArrayBuffer)).toThrow(/"buffer"/);
    const bucket = sharedTokenBucket({ capacity: 2, refillPerSecond: 1 });
    let caught: unknown;
    try {
      bucket.tryAcquire(3);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
  });

  it('regression (issue 15): pauseUntil refuses Infinity and times past its 64-bit range with a ConfigError', () => {
    const clock = new ManualClock(1_000);
    const bucket = sharedTokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    // Before the fix: a RangeError from BigInt(Infinity), and a wrapped-around (negative) state.
    expect(() => bucket.pauseUntil(Number.POSITIVE_INFINITY)).toThrow(/"time" must be a finite number/);
    expect(() => bucket.penalize(Number.POSITIVE_INFINITY)).toThrow(/"ms" must be a finite number >= 0/);
    expect(() => bucket.pauseUntil(1e300)).toThrow(/"time" must be a finite number at most 3000000000000 ms after/);
    expect(bucket.tryAcquire(2)).toBe(true);
    bucket.pauseUntil(1_000 + 3e12);
    expect(bucket.tryAcquire()).toBe(false);
    expect(bucket.estimateWaitMs()).toBeGreaterThan(2.9e12);
  });
});

describe('sharedTokenBucket across real worker threads', () => {
  it.each([
    ['tryAcquire', false],
    ['acquire', true],
  ])(
    '3 workers using %s never get more than capacity + rate x elapsed (+1)',
    { timeout: 30_000 },
    async (_, useAcquire) => {
      const capacity = 20;
      const refillPerSecond = 2_000;
      const bucket = sharedTokenBucket({ capacity, refillPerSecond });
      const start = epochClock.now();
      const workers = [1, 2, 3].map(() => startWorker(bucket.buffer, useAcquire));
      try {
        // Booting tsx takes a while on a busy machine: all run together once all are ready.
        await Promise.all(workers.map((worker) => worker.ready));
        const runMs = 1_000;
        const results = await Promise.all(workers.map((worker) => worker.go(epochClock.now() + runMs)));
        const elapsedMs = epochClock.now() - start;
        const granted = results.reduce((sum, r) => sum + r.granted, 0);
        // The bound holds from the bucket's creation, whatever the threads did.
        expect(granted).toBeLessThanOrEqual(capacity + (refillPerSecond * elapsedMs) / 1000 + 1);
        // They really shared it: each got some, and together a fair part of the run's rate.
        for (const r of results) expect(r.granted).toBeGreaterThan(0);
        expect(granted).toBeGreaterThan((refillPerSecond * runMs) / 1000 / 4);
      } finally {
        await Promise.all(workers.map((worker) => worker.stop()));
      }
    },
  );
});
