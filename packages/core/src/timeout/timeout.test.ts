import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/testing/index.ts';
import { isConfigError, isTimeoutError, TimeoutError } from '../errors/errors.ts';
import { compose } from '../policy/compose.ts';
import type { ExecutionContext } from '../policy/policy.ts';
import { timeout } from './timeout.ts';

describe('timeout', () => {
  it('returns the result when the work finishes in time, and clears its timer', async () => {
    const clock = new ManualClock();
    const policy = timeout({ ms: 100, clock });
    const running = policy.execute(async () => {
      await clock.sleep(99);
      return 'done';
    });
    await clock.advance(99);
    await expect(running).resolves.toBe('done');
    expect(clock.pending).toBe(0);
  });

  it('at the deadline aborts the work’s signal and rejects with TimeoutError, even if the work ignores it', async () => {
    const clock = new ManualClock();
    let context: ExecutionContext | undefined;
    const running = timeout({ ms: 100, clock }).execute((ctx) => {
      context = ctx;
      return new Promise<string>(() => {}); // never settles, ignores its signal
    });
    const outcome = running.catch((e: unknown) => e);
    await clock.advance(99);
    expect(context?.signal.aborted).toBe(false);
    await clock.advance(1);
    const error = await outcome;
    expect(isTimeoutError(error)).toBe(true);
    expect((error as TimeoutError).timeoutMs).toBe(100);
    expect(context?.signal.aborted).toBe(true);
    expect(context?.signal.reason).toBe(error);
    expect(clock.now()).toBe(100);
  });

  it('drops a result that arrives after the deadline', async () => {
    const clock = new ManualClock();
    const running = timeout({ ms: 10, clock }).execute(async () => {
      await clock.sleep(20);
      return 'late';
    });
    const outcome = running.catch((e: unknown) => e);
    await clock.advance(20);
    expect(await outcome).toBeInstanceOf(TimeoutError);
  });

  it('rejects at once with the caller’s reason when the caller aborts, and aborts the work', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    let context: ExecutionContext | undefined;
    const running = timeout({ ms: 1_000, clock }).execute(
      (ctx) => {
        context = ctx;
        return new Promise(() => {});
      },
      { signal: controller.signal },
    );
    const reason = new Error('caller left');
    controller.abort(reason);
    await expect(running).rejects.toBe(reason);
    expect(context?.signal.reason).toBe(reason);
    await clock.advance(0);
    expect(clock.pending).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects with the reason of an already-aborted signal without running the work', async () => {
    let ran = false;
    const reason = new Error('already');
    await expect(
      timeout({ ms: 5, clock: new ManualClock() }).execute(
        () => {
          ran = true;
        },
        { signal: AbortSignal.abort(reason) },
      ),
    ).rejects.toBe(reason);
    expect(ran).toBe(false);
  });

  it('passes a synchronous throw or a rejection through unchanged and clears the timer', async () => {
    const clock = new ManualClock();
    const policy = timeout({ ms: 50, clock });
    const boom = new Error('boom');
    await expect(
      policy.execute(() => {
        throw boom;
      }),
    ).rejects.toBe(boom);
    await expect(policy.execute(() => Promise.reject(boom))).rejects.toBe(boom);
    await clock.advance(0);
    expect(clock.pending).toBe(0);
  });

  it('removes its listener from the caller signal when the call settles', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    await timeout({ ms: 50, clock }).execute((ctx) => ctx.signal.aborted, { signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('inside compose, bounds each attempt and keeps the attempt number', async () => {
    const clock = new ManualClock();
    const attempts: number[] = [];
    await compose(timeout({ ms: 5, clock })).execute((ctx) => attempts.push(ctx.attempt), { attempt: 2 });
    expect(attempts).toEqual([2]);
  });

  it('works with a clock that has no timer() fast path, through a cancellable sleep', async () => {
    const manual = new ManualClock();
    const sleepOnly = {
      now: () => manual.now(),
      sleep: (ms: number, signal?: AbortSignal) => manual.sleep(ms, signal),
    };
    const policy = timeout({ ms: 100, clock: sleepOnly });
    expect(await policy.execute(async () => 'fast')).toBe('fast');
    await manual.advance(0);
    expect(manual.pending).toBe(0);
    const slow = policy.execute(() => new Promise(() => {})).catch((e: unknown) => e);
    await manual.advance(100);
    expect(isTimeoutError(await slow)).toBe(true);
  });

  it.each([
    [{ ms: 0 }, '"ms" must be a finite number > 0 and <= 2147483647; received 0'],
    [{ ms: -5 }, 'received -5'],
    [{ ms: Number.NaN }, 'received NaN'],
    [{ ms: Number.POSITIVE_INFINITY }, 'received Infinity'],
    [{ ms: 2 ** 31 }, 'received 2147483648'],
    [{ ms: '100' }, 'received "100"'],
    [{}, 'received undefined'],
    [{ ms: 10, clok: 1 }, '"clok" must be one of the known options (ms, clock); received 1'],
  ])('refuses %o at construction with a ConfigError', (options, message) => {
    let error: unknown;
    try {
      timeout(options as never);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(message);
    expect((error as Error).message).toMatch(/^timeout: /);
  });
});
