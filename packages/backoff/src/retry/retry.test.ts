import { abortSignalOf, contextFor, type ExecutionContext, markNonRetryable, type Outcome } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it, vi } from 'vitest';
import { constant, linear } from '../schedules/shapes.ts';
import { isAttemptSupersededError } from './errors.ts';
import { retry } from './retry.ts';

const fixed = (ms: number) => ({ backoff: constant(ms) });

describe('retry: first-try success', () => {
  it('runs the work once with attempt 1 and returns its value', async () => {
    const clock = new ManualClock();
    const policy = retry({ clock });
    const seen: number[] = [];
    const work = (ctx: ExecutionContext) => {
      seen.push(ctx.attempt);
      return Promise.resolve('ok');
    };
    await expect(policy.execute(work)).resolves.toBe('ok');
    expect(seen).toEqual([1]);
    expect(clock.pending).toBe(0);
  });

  it('accepts synchronous values and foreign thenables', async () => {
    const policy = retry({ clock: new ManualClock() });
    await expect(policy.execute(() => 7)).resolves.toBe(7);
    // biome-ignore lint/suspicious/noThenProperty: a foreign thenable is exactly what is tested
    const thenable = { then: (resolve: (value: string) => void) => resolve('later') };
    await expect(policy.execute(() => thenable as PromiseLike<string>)).resolves.toBe('later');
  });

  it('reads the caller signal once (is it already aborted?) and builds none when the first attempt succeeds', async () => {
    let reads = 0;
    const controller = new AbortController();
    const options = {
      get signal() {
        reads++;
        return controller.signal;
      },
    };
    const policy = retry({ clock: new ManualClock() });
    await policy.execute(async () => 1, options);
    expect(reads).toBe(1);
    // Inside a composition: the enclosing context's signal is never materialised.
    const context = contextFor(undefined);
    await policy.execute(async () => 1, context);
    expect(abortSignalOf(context)).toBeUndefined();
  });
});

describe('retry: failures', () => {
  it('retries thrown errors, waiting the backoff delay between attempts', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 4, backoff: linear({ initialMs: 100, stepMs: 100 }), clock });
    const starts: [number, number][] = [];
    const result = policy.execute(async (ctx) => {
      starts.push([ctx.attempt, clock.now()]);
      if (ctx.attempt < 3) throw new Error(`failure ${ctx.attempt}`);
      return 'ok';
    });
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(starts).toEqual([
      [1, 0],
      [2, 100],
      [3, 300],
    ]);
  });

  it('makes a single attempt with maxAttempts: 1', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 1, clock });
    const error = new Error('once');
    const work = vi.fn(async () => {
      throw error;
    });
    await expect(policy.execute(work)).rejects.toBe(error);
    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.pending).toBe(0);
    expect(policy.status()).toMatchObject({ calls: 1, retries: 0, giveUps: 1 });
  });

  it('retries synchronous throws too', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, ...fixed(10), clock });
    const result = policy.execute((ctx) => {
      if (ctx.attempt === 1) throw new Error('sync');
      return 'second';
    });
    await clock.runAll();
    await expect(result).resolves.toBe('second');
  });

  it('rethrows the last error unchanged when the attempts run out', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 3, ...fixed(10), clock });
    const errors: Error[] = [];
    const result = policy.execute(async (ctx) => {
      const error = new Error(`failure ${ctx.attempt}`);
      errors.push(error);
      throw error;
    });
    const settled = result.catch((error: unknown) => error);
    await clock.runAll();
    expect(errors).toHaveLength(3);
    expect(await settled).toBe(errors[2]);
    expect(errors).toHaveLength(3);
  });

  it('returns the last resolved value when it was judged a failure', async () => {
    const clock = new ManualClock();
    const responses = [{ status: 503 }, { status: 503 }, { status: 503 }];
    let index = 0;
    const policy = retry({
      maxAttempts: 3,
      ...fixed(10),
      clock,
      shouldRetry: (outcome) => outcome.ok && (outcome.value as { status: number }).status >= 500,
    });
    const result = policy.execute(async () => responses[index++]);
    await clock.runAll();
    await expect(result).resolves.toBe(responses[2]);
    expect(index).toBe(3);
  });

  it('stops on a resolved value that shouldRetry accepts', async () => {
    const clock = new ManualClock();
    const statuses = [503, 200];
    const policy = retry({ ...fixed(10), clock, shouldRetry: (o) => o.ok && o.value === 503 });
    const result = policy.execute(async () => statuses.shift());
    await clock.runAll();
    await expect(result).resolves.toBe(200);
    expect(policy.status().retries).toBe(1);
  });

  it('never retries an error marked non-retryable', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 5, clock });
    const error = markNonRetryable(new Error('invalid request'));
    const work = vi.fn(async () => {
      throw error;
    });
    await expect(policy.execute(work)).rejects.toBe(error);
    expect(work).toHaveBeenCalledTimes(1);
    expect(clock.pending).toBe(0);
  });

  it('asks shouldRetry with the outcome and the failed attempt context', async () => {
    const clock = new ManualClock();
    const judged: [Outcome<unknown>, number][] = [];
    const policy = retry({
      maxAttempts: 3,
      ...fixed(1),
      clock,
      shouldRetry: (outcome: Outcome<unknown>, ctx: ExecutionContext) => {
        judged.push([outcome, ctx.attempt]);
        return !outcome.ok && ctx.attempt < 2;
      },
    });
    const error = new Error('x');
    const result = policy.execute(async () => {
      throw error;
    });
    const assertion = expect(result).rejects.toBe(error);
    await clock.runAll();
    await assertion;
    expect(judged).toEqual([
      [{ ok: false, error }, 1],
      [{ ok: false, error }, 2],
    ]);
  });

  it('rejects with a ConfigError when a custom backoff returns a negative or NaN delay', async () => {
    for (const bad of [-1, Number.NaN]) {
      const policy = retry({ backoff: () => bad, clock: new ManualClock() });
      await expect(
        policy.execute(async () => {
          throw new Error('x');
        }),
      ).rejects.toMatchObject({ code: 'SENTINEL_CONFIG', option: 'backoff' });
    }
  });
});

describe('retry: attempts', () => {
  it('never overlaps attempts, and aborts the failed attempt before the next starts', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 3, ...fixed(50), clock });
    const signals: AbortSignal[] = [];
    let running = 0;
    let maxRunning = 0;
    const result = policy.execute(async (ctx) => {
      signals.push(ctx.signal);
      running++;
      maxRunning = Math.max(maxRunning, running);
      await clock.sleep(10);
      running--;
      if (ctx.attempt < 3) throw new Error('again');
      return ctx.attempt;
    });
    await clock.advance(10);
    // Attempt 1 failed; during the wait its signal is already aborted and no attempt runs.
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(true);
    expect(isAttemptSupersededError(signals[0]?.reason)).toBe(true);
    expect(signals[0]?.reason).toMatchObject({ attempt: 1 });
    await clock.runAll();
    await expect(result).resolves.toBe(3);
    expect(maxRunning).toBe(1);
    expect(signals.map((signal) => signal.aborted)).toEqual([true, true, false]);
  });

  it('does not abort the signal of the attempt whose outcome is returned', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, ...fixed(5), clock, shouldRetry: (o) => o.ok });
    const signals: AbortSignal[] = [];
    const result = policy.execute(async (ctx) => {
      signals.push(ctx.signal);
      return 'response';
    });
    await clock.runAll();
    await expect(result).resolves.toBe('response');
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]);
  });

  it('unlinks every attempt from the caller signal once it settles', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const policy = retry({ maxAttempts: 3, ...fixed(5), clock });
    const result = policy.execute(
      async (ctx) => {
        void ctx.signal;
        if (ctx.attempt < 3) throw new Error('x');
        return 'done';
      },
      { signal: controller.signal },
    );
    await clock.runAll();
    await result;
    expect(add.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(remove).toHaveBeenCalledTimes(add.mock.calls.length);
  });

  it('unlinks a first attempt that reads its signal at once and succeeds', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const policy = retry({ clock: new ManualClock() });
    await policy.execute(async (ctx) => ctx.signal.aborted, { signal: controller.signal });
    await flushMicrotasks();
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).toHaveBeenCalledTimes(1);
  });

  it('unlinks a first attempt that reads its signal and throws synchronously', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const policy = retry({ maxAttempts: 2, backoff: constant(1), clock });
    const result = policy.execute(
      (ctx) => {
        void ctx.signal;
        if (ctx.attempt === 1) throw new Error('sync');
        return 'ok';
      },
      { signal: controller.signal },
    );
    await clock.runAll();
    await expect(result).resolves.toBe('ok');
    expect(remove).toHaveBeenCalledTimes(add.mock.calls.length);
  });

  it('unlinks a successful attempt that reads its signal only after returning', async () => {
    const controller = new AbortController();
    const add = vi.spyOn(controller.signal, 'addEventListener');
    const remove = vi.spyOn(controller.signal, 'removeEventListener');
    const policy = retry({ clock: new ManualClock() });
    let release: (value: number) => void = () => {};
    const result = policy.execute(
      async (ctx) => {
        await Promise.resolve();
        void ctx.signal;
        return new Promise<number>((resolve) => {
          release = resolve;
        });
      },
      { signal: controller.signal },
    );
    await flushMicrotasks();
    expect(add).toHaveBeenCalledTimes(1);
    expect(remove).not.toHaveBeenCalled();
    release(1);
    await result;
    await flushMicrotasks();
    expect(remove).toHaveBeenCalledTimes(1);
  });
});
