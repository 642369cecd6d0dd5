import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RateLimitedError } from '../errors.ts';
import { slidingWindow } from './sliding-window.ts';

function setup(limit = 3, windowMs = 1_000, maxQueue?: number) {
  const clock = new ManualClock();
  return { clock, window: slidingWindow({ limit, windowMs, clock, ...(maxQueue === undefined ? {} : { maxQueue }) }) };
}

describe('slidingWindow', () => {
  it('grants `limit` per window and frees each permit exactly windowMs after its grant', async () => {
    const { clock, window } = setup();
    expect(window.tryAcquire()).toBe(true);
    await clock.advance(400);
    expect(window.tryAcquire(2)).toBe(true);
    expect(window.tryAcquire()).toBe(false);
    await clock.advance(599);
    expect(window.tryAcquire()).toBe(false);
    await clock.advance(1);
    expect(window.tryAcquire()).toBe(true);
    expect(window.tryAcquire()).toBe(false);
    expect(window.status()).toEqual({
      used: 3,
      remaining: 0,
      limit: 3,
      windowMs: 1000,
      waiting: 0,
      pausedUntil: null,
    });
  });

  it('acquire waits in FIFO order with one timer', async () => {
    const { clock, window } = setup(2);
    window.tryAcquire(2);
    const order: number[] = [];
    const waits = [1, 2, 3, 4].map((i) => window.acquire(1).then(() => order.push(i)));
    await clock.advance(0);
    expect(clock.pending).toBe(1);
    await clock.advance(1_000);
    expect(order).toEqual([1, 2]);
    await clock.advance(1_000);
    expect(order).toEqual([1, 2, 3, 4]);
    await Promise.all(waits);
    expect(clock.pending).toBe(0);
  });

  it('aborting a waiter removes it at once', async () => {
    const { clock, window } = setup(1);
    window.tryAcquire();
    const controller = new AbortController();
    const waiting = window.acquire(1, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    expect(window.status().waiting).toBe(0);
    await clock.advance(0);
    expect(clock.pending).toBe(0);
  });

  it('maxQueue and maxWaitMs reject with RateLimitedError', async () => {
    const { window } = setup(1, 1_000, 1);
    window.tryAcquire();
    const first = window.acquire();
    await expect(window.acquire()).rejects.toMatchObject({ reason: 'queue-full' });
    const { window: other } = setup(1);
    other.tryAcquire();
    const error = (await other.acquire(1, { maxWaitMs: 10 }).catch((e: unknown) => e)) as RateLimitedError;
    expect(error.reason).toBe('max-wait');
    expect(error.retryAfterMs).toBe(1000);
    void first.catch(() => {});
  });

  it('estimates waits and honours pauses without forgetting the log', async () => {
    const { clock, window } = setup(2);
    window.tryAcquire();
    await clock.advance(300);
    window.tryAcquire();
    expect(window.estimateWaitMs(1)).toBe(700);
    expect(window.estimateWaitMs(2)).toBe(1000);
    window.penalize(2_000);
    expect(window.estimateWaitMs(1)).toBe(2000);
    await clock.advance(1_999);
    expect(window.tryAcquire()).toBe(false);
    await clock.advance(1);
    expect(window.tryAcquire(2)).toBe(true);
  });

  it('refuses bad n and bad options', async () => {
    const { window } = setup();
    expect(() => window.tryAcquire(4)).toThrow(/between 1 and 3/);
    expect(() => slidingWindow({ limit: 0, windowMs: 1 })).toThrow(/"limit" must be an integer between 1 and 10000000/);
    expect(() => slidingWindow({ limit: 1, windowMs: 0 })).toThrow(/"windowMs" must be a finite number > 0/);
    expect(() => slidingWindow({ limit: 1, windowMs: Number.POSITIVE_INFINITY })).toThrow(/"windowMs"/);
    expect(() => slidingWindow({ limit: 1, windowMs: 1, maxQueue: -1 })).toThrow(/"maxQueue"/);
    await expect(window.acquire(0)).rejects.toSatisfy(isConfigError);
  });

  it('regression (issue 15): pauseUntil(Infinity) is refused: status() would say pausedUntil null (not paused)', () => {
    const { window } = setup();
    expect(() => window.pauseUntil(Number.POSITIVE_INFINITY)).toThrow(/"time" must be a finite number/);
    expect(() => window.penalize(Number.POSITIVE_INFINITY)).toThrow(/"ms" must be a finite number >= 0/);
    expect(window.status().pausedUntil).toBeNull();
    expect(window.tryAcquire()).toBe(true);
  });

  it('property: no window of length windowMs ever holds more than limit grants', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 500 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 10 })), { maxLength: 100 }),
        async (limit, windowMs, steps) => {
          const { clock, window } = setup(limit, windowMs);
          const grants: number[] = [];
          for (const [advance, n] of steps) {
            await clock.advance(advance);
            if (n <= limit && window.tryAcquire(n)) for (let i = 0; i < n; i++) grants.push(clock.now());
          }
          for (let i = limit; i < grants.length; i++) {
            expect((grants[i] as number) - (grants[i - limit] as number)).toBeGreaterThanOrEqual(windowMs);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
