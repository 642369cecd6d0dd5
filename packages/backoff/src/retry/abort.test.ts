import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { constant } from '../schedules/shapes.ts';
import { retry } from './retry.ts';

const failing = () =>
  vi.fn(async () => {
    throw new Error('unavailable');
  });

describe('retry: aborts', () => {
  it('rejects at once with the reason when the caller aborts during a backoff wait', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ maxAttempts: 5, backoff: constant(10_000), clock });
    const work = failing();
    const result = policy.execute(work, { signal: controller.signal });
    await vi.waitUntil(() => clock.pending === 1, { timeout: 1_000, interval: 1 });
    const reason = new Error('user cancelled');
    controller.abort(reason);
    // No time passes: the wait ends because of the abort, not the clock.
    await expect(result).rejects.toBe(reason);
    expect(clock.now()).toBe(0);
    expect(clock.pending).toBe(0);
    await clock.runAll();
    expect(work).toHaveBeenCalledTimes(1);
    expect(policy.status()).toMatchObject({ calls: 1, retries: 1, aborts: 1, giveUps: 0 });
  });

  it('aborts the running attempt and starts no further one when the caller aborts during an attempt', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ maxAttempts: 5, backoff: constant(1), clock });
    const attempts: AbortSignal[] = [];
    const result = policy.execute(
      (ctx) =>
        new Promise((_, reject) => {
          attempts.push(ctx.signal);
          ctx.signal.addEventListener('abort', () => reject(new Error('request aborted')));
        }),
      { signal: controller.signal },
    );
    const reason = new DOMException('stop', 'AbortError');
    controller.abort(reason);
    await expect(result).rejects.toBe(reason);
    await clock.runAll();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.reason).toBe(reason);
    expect(policy.status().aborts).toBe(1);
  });

  it('does not retry a failure that happened after the caller aborted, whatever shouldRetry says', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const policy = retry({ maxAttempts: 5, backoff: constant(1), clock, shouldRetry: () => true });
    const work = vi.fn(async () => {
      controller.abort('gone');
      throw new Error('late failure');
    });
    await expect(policy.execute(work, { signal: controller.signal })).rejects.toBe('gone');
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('regression (issue 15): an already aborted signal rejects with its exact reason and never calls fn', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const reason = new Error('already');
    controller.abort(reason);
    const policy = retry({ maxAttempts: 3, clock });
    // Work that ignores its signal: before the fix it ran and the call resolved with 1.
    const work = vi.fn(async () => 1);
    await expect(policy.execute(work, { signal: controller.signal })).rejects.toBe(reason);
    expect(work).not.toHaveBeenCalled();
    expect(clock.pending).toBe(0);
    expect(policy.status()).toMatchObject({ calls: 0, attempts: 0, aborts: 0 });
  });

  it('passes the caller abort reason to the attempt signal', async () => {
    const controller = new AbortController();
    const policy = retry({ clock: new ManualClock() });
    let seen: unknown;
    const result = policy.execute(
      (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            seen = ctx.signal.reason;
            resolve('cleaned up');
          });
        }),
      { signal: controller.signal },
    );
    controller.abort('because');
    // The attempt chose to resolve: a success is a success, even after an abort.
    await expect(result).resolves.toBe('cleaned up');
    expect(seen).toBe('because');
  });
});
