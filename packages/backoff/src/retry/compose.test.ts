import {
  compose,
  contextFor,
  type ExecuteOptions,
  isTimeoutError,
  type Operation,
  type Policy,
  RejectedError,
  runOperation,
  timeout,
} from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { constant } from '../schedules/shapes.ts';
import { retry } from './retry.ts';

describe('retry in a pipeline', () => {
  it('retries an attempt that a per-attempt timeout cut short, with the attempt number reaching the work', async () => {
    const clock = new ManualClock();
    const pipeline = compose(retry({ maxAttempts: 3, backoff: constant(10), clock }), timeout({ ms: 100, clock }));
    const seen: [number, number][] = [];
    const timedOut: unknown[] = [];
    const result = pipeline.execute(async (ctx) => {
      seen.push([ctx.attempt, clock.now()]);
      if (ctx.attempt < 2) {
        // A hung request: it ends only when its signal aborts.
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      }
      return 'ok';
    });
    result.catch((error: unknown) => timedOut.push(error));
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(seen).toEqual([
      [1, 0],
      [2, 110],
    ]);
    expect(timedOut).toEqual([]);
  });

  it('gives up with the TimeoutError unchanged when every attempt times out', async () => {
    const clock = new ManualClock();
    const pipeline = compose(retry({ maxAttempts: 2, backoff: constant(10), clock }), timeout({ ms: 50, clock }));
    const result = pipeline.execute(
      (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))),
    );
    const settled = result.catch((error: unknown) => error);
    await clock.runAll();
    expect(isTimeoutError(await settled)).toBe(true);
  });

  it('waits out an open breaker instead of hammering it', async () => {
    const clock = new ManualClock();
    let openUntil = 0;
    let backendCalls = 0;
    // A stand-in breaker: open for 1 s after any failure, refusing calls with retryAfterMs.
    const breaker: Policy = {
      async execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
        if (clock.now() < openUntil) {
          throw new RejectedError('SENTINEL_CIRCUIT_OPEN', 'open', { retryAfterMs: openUntil - clock.now() });
        }
        try {
          return await runOperation(fn, contextFor(options));
        } catch (error) {
          openUntil = clock.now() + 1_000;
          throw error;
        }
      },
    };
    const pipeline = compose(retry({ maxAttempts: 4, backoff: constant(10), clock }), breaker);
    const result = pipeline.execute(async () => {
      backendCalls++;
      if (backendCalls === 1) throw new Error('503');
      return 'recovered';
    });
    await clock.runAll();
    await expect(result).resolves.toBe('recovered');
    // Attempt 2 at 10 ms was refused (open until 1000); attempt 3 waited the 990 ms the breaker asked for.
    expect(backendCalls).toBe(2);
    expect(clock.now()).toBe(1_000);
  });
});
