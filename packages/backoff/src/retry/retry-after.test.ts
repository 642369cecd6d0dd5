import { type Outcome, RejectedError } from '@sentinel/core';
import { EventRecorder, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { constant } from '../schedules/shapes.ts';
import type { GiveUpEvent, RetryEvent } from './events.ts';
import { retry } from './retry.ts';

const circuitOpen = (retryAfterMs: number | undefined) =>
  new RejectedError('SENTINEL_CIRCUIT_OPEN', 'circuit open', { retryAfterMs });

function setup(options: Parameters<typeof retry>[0] = {}) {
  const clock = new ManualClock();
  const policy = retry({ maxAttempts: 3, backoff: constant(100), clock, ...options });
  const events = new EventRecorder();
  policy.onRetry(events.listener('retry'));
  policy.onGiveUp(events.listener('giveUp'));
  return { clock, policy, events };
}

describe('retry: retry-after hints', () => {
  it("waits an open breaker's retryAfterMs when it is longer than the backoff", async () => {
    const { clock, policy, events } = setup();
    const starts: number[] = [];
    const result = policy.execute(async (ctx) => {
      starts.push(clock.now());
      if (ctx.attempt === 1) throw circuitOpen(2_500);
      return 'closed again';
    });
    await clock.runAll();
    await expect(result).resolves.toBe('closed again');
    expect(starts).toEqual([0, 2_500]);
    expect(events.payloads<RetryEvent>('retry')[0]).toMatchObject({
      attempt: 1,
      delayMs: 2_500,
      delaySource: 'retry-after',
    });
  });

  it('keeps the backoff delay when the hint is shorter', async () => {
    const { clock, policy, events } = setup();
    const result = policy.execute(async (ctx) => {
      if (ctx.attempt === 1) throw Object.assign(new Error('429'), { retryAfterMs: 40 });
      return 'ok';
    });
    await clock.runAll();
    await result;
    expect(events.payloads<RetryEvent>('retry')[0]).toMatchObject({ delayMs: 100, delaySource: 'backoff' });
  });

  it('gives up at once with the last outcome when the hint is above maxRetryAfterMs', async () => {
    const { clock, policy, events } = setup({ maxRetryAfterMs: 1_000 });
    const open = circuitOpen(1_001);
    const work = vi.fn(async () => {
      throw open;
    });
    await expect(policy.execute(work)).rejects.toBe(open);
    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.pending).toBe(0);
    expect(events.names()).toEqual(['giveUp']);
    expect(events.payloads<GiveUpEvent>('giveUp')[0]).toMatchObject({ attempts: 1, reason: 'retry-after' });
  });

  it('waits a hint exactly at the cap', async () => {
    const { clock, policy } = setup({ maxRetryAfterMs: 1_000 });
    const starts: number[] = [];
    const result = policy.execute(async (ctx) => {
      starts.push(clock.now());
      if (ctx.attempt === 1) throw circuitOpen(1_000);
      return 1;
    });
    await clock.runAll();
    await result;
    expect(starts).toEqual([0, 1_000]);
  });

  it('gives up on a breaker open for longer than the default cap of 30 s', async () => {
    const { policy } = setup();
    const open = circuitOpen(60_000);
    await expect(
      policy.execute(async () => {
        throw open;
      }),
    ).rejects.toBe(open);
  });

  it('retries a rejection that carries no hint after the backoff delay', async () => {
    const { clock, policy } = setup();
    const starts: number[] = [];
    const result = policy.execute(async (ctx) => {
      starts.push(clock.now());
      if (ctx.attempt === 1) throw circuitOpen(undefined);
      return 1;
    });
    await clock.runAll();
    await result;
    expect(starts).toEqual([0, 100]);
  });

  it('reads a hint from a resolved failure through a custom retryAfter', async () => {
    type Response = { status: number; retryAfterMs?: number };
    const responses: Response[] = [{ status: 503, retryAfterMs: 700 }, { status: 200 }];
    const { clock, policy, events } = setup({
      shouldRetry: (outcome) => outcome.ok && (outcome.value as Response).status === 503,
      retryAfter: (outcome: Outcome<unknown>) => (outcome.ok ? (outcome.value as Response).retryAfterMs : undefined),
    });
    const result = policy.execute(async () => responses.shift());
    await clock.runAll();
    await expect(result).resolves.toEqual({ status: 200 });
    expect(clock.now()).toBe(700);
    expect(events.payloads<RetryEvent>('retry')[0]?.delaySource).toBe('retry-after');
  });

  it("honours an open breaker's retryAfterMs even under a custom retryAfter that reads only responses", async () => {
    const { clock, policy } = setup({ retryAfter: (outcome) => (outcome.ok ? 5 : undefined), maxRetryAfterMs: 2_000 });
    const starts: number[] = [];
    const result = policy.execute(async (ctx) => {
      starts.push(clock.now());
      if (ctx.attempt === 1) throw circuitOpen(1_500);
      return 'ok';
    });
    await clock.runAll();
    await result;
    expect(starts).toEqual([0, 1_500]);
    const tooLong = circuitOpen(2_001);
    await expect(
      setup({ retryAfter: () => undefined, maxRetryAfterMs: 2_000 }).policy.execute(async () => {
        throw tooLong;
      }),
    ).rejects.toBe(tooLong);
  });

  it('ignores hints that are not numbers >= 0', async () => {
    for (const hint of [Number.NaN, -5, '300']) {
      const { clock, policy, events } = setup({ retryAfter: () => hint as number });
      const result = policy.execute(async (ctx) => {
        if (ctx.attempt === 1) throw new Error('x');
        return 1;
      });
      await clock.runAll();
      await result;
      expect(events.payloads<RetryEvent>('retry')[0]).toMatchObject({ delayMs: 100, delaySource: 'backoff' });
    }
  });
});
