import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { adaptiveConcurrency } from './adaptive/adaptive-concurrency.ts';
import { concurrency } from './concurrency/concurrency.ts';
import { isRateLimitedError } from './errors.ts';
import { slidingWindow } from './sliding-window/sliding-window.ts';
import { tokenBucket } from './token-bucket/token-bucket.ts';

/*
 * Each limiter at the edges a user reaches (issue 15 §2): the first and the last entry of every
 * bounded queue (maxQueue 0, exactly maxQueue waiters), capacities of 1, and what the messages
 * say there.
 */

/** Something with a bounded wait queue, built empty (the next caller must wait) with `maxQueue`. */
interface Queued {
  readonly name: string;
  make(clock: ManualClock, maxQueue: number): { wait(): Promise<unknown>; free(): Promise<void> };
}

const QUEUES: readonly Queued[] = [
  {
    name: 'tokenBucket',
    make(clock, maxQueue) {
      const bucket = tokenBucket({ capacity: 1, refillPerSecond: 1, initialTokens: 0, maxQueue, clock });
      return { wait: () => bucket.acquire(), free: () => clock.advance(1_000) };
    },
  },
  {
    name: 'slidingWindow',
    make(clock, maxQueue) {
      const window = slidingWindow({ limit: 1, windowMs: 1_000, maxQueue, clock });
      window.tryAcquire();
      return { wait: () => window.acquire(), free: () => clock.advance(1_000) };
    },
  },
  {
    name: 'concurrency',
    make(clock, maxQueue) {
      const bulkhead = concurrency({ max: 1, maxQueue, clock });
      bulkhead.tryAcquire();
      // A granted waiter holds its slot until the next free().
      return { wait: () => bulkhead.acquire(), free: async () => bulkhead.release() };
    },
  },
  {
    name: 'adaptiveConcurrency',
    make(_clock, maxQueue) {
      const limiter = adaptiveConcurrency({ initial: 1, min: 1, max: 1, maxQueue });
      let release: () => void = () => {};
      void limiter.execute(() => new Promise<void>((resolve) => (release = resolve)));
      return { wait: () => limiter.execute(() => 'ran'), free: async () => release() };
    },
  },
];

describe('bounded wait queues: the first and the last place', () => {
  it.each(QUEUES.map((q) => [q.name, q] as const))('%s: maxQueue 0 refuses the first waiter at once', async (_, q) => {
    const clock = new ManualClock();
    const subject = q.make(clock, 0);
    const error = await subject.wait().catch((e: unknown) => e);
    expect(isRateLimitedError(error) && error.reason).toBe('queue-full');
    expect(clock.pending).toBe(0);
  });

  it.each(QUEUES.map((q) => [q.name, q] as const))(
    '%s: exactly maxQueue wait, the next is refused, and a freed place takes a new waiter',
    async (_, q) => {
      const clock = new ManualClock();
      const subject = q.make(clock, 2);
      const first = subject.wait();
      const last = subject.wait();
      const over = await subject.wait().catch((e: unknown) => e);
      expect(isRateLimitedError(over) && over.reason).toBe('queue-full');
      await subject.free();
      await first;
      // The first left the queue: one place is free again.
      const again = subject.wait();
      await subject.free();
      await last;
      await subject.free();
      await again;
    },
  );
});

describe('slidingWindow: a paused window that never granted, with a queue deeper than its limit', () => {
  it('regression (issue 15): estimates in whole windows instead of throwing a TypeError', async () => {
    const clock = new ManualClock();
    const window = slidingWindow({ limit: 1, windowMs: 100, clock });
    window.pauseUntil(50);
    const first = window.acquire();
    // The second waiter's estimate reads past the limit: it used to read the unallocated log.
    const second = window.acquire(1, { maxWaitMs: 1_000 });
    expect(window.estimateWaitMs(1)).toBe(250);
    await expect(window.acquire(1, { maxWaitMs: 100 })).rejects.toMatchObject({ reason: 'max-wait' });
    await clock.advance(50);
    await first;
    await clock.advance(100);
    await second;
    expect(clock.now()).toBe(150);
  });
});

describe('messages at capacity 1 and with nothing held say one thing', () => {
  it('regression (issue 15): release() with no slot held does not say "between 1 and 0"', () => {
    const bulkhead = concurrency({ max: 2 });
    expect(() => bulkhead.release()).toThrow(
      'concurrency.release: "n" must be at most the slots held, and none is held (a release without a matching acquire); received 1',
    );
    bulkhead.tryAcquire();
    expect(() => bulkhead.release(2)).toThrow('"n" must be 1 (the one slot held); received 2');
    bulkhead.tryAcquire();
    expect(() => bulkhead.release(3)).toThrow('"n" must be an integer between 1 and 2 (the slots held); received 3');
  });

  it('a capacity of 1 admits "1", not "an integer between 1 and 1"', () => {
    const bucket = tokenBucket({ capacity: 1, refillPerSecond: 1 });
    expect(() => bucket.tryAcquire(2)).toThrow('tokenBucket: "n" must be 1 (the capacity); received 2');
    expect(() => tokenBucket({ capacity: 2, refillPerSecond: 1 }).tryAcquire(3)).toThrow(
      '"n" must be an integer between 1 and 2 (the capacity); received 3',
    );
  });
});

describe('values at the edge of a number', () => {
  it('regression (issue 15): status() reports a tiny refill rate as given, not 0 (float underflow)', () => {
    const bucket = tokenBucket({ capacity: 1, refillPerSecond: Number.MIN_VALUE, clock: new ManualClock() });
    expect(bucket.status().refillPerSecond).toBe(Number.MIN_VALUE);
  });

  it('n of -0, NaN, Infinity, a string or a boxed number is refused with a ConfigError', async () => {
    const bucket = tokenBucket({ capacity: 3, refillPerSecond: 1 });
    const window = slidingWindow({ limit: 3, windowMs: 1 });
    const bulkhead = concurrency({ max: 3 });
    for (const n of [-0, Number.NaN, Number.POSITIVE_INFINITY, '1', Object(1)]) {
      for (const limiter of [bucket, window, bulkhead]) {
        expect(() => limiter.tryAcquire(n)).toThrow(/"n" must be an integer between 1 and 3/);
        await expect(limiter.acquire(n)).rejects.toSatisfy(isConfigError);
      }
    }
    const throwing = {
      valueOf(): number {
        throw new Error('valueOf called');
      },
    };
    // Regression (issue 15): the bulkhead compared `active + n` first, calling valueOf.
    expect(() => bulkhead.tryAcquire(throwing as never)).toThrow(/"n" must be an integer/);
  });
});
