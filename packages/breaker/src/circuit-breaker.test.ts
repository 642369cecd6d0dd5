import { getEventListeners } from 'node:events';
import { AttemptScope, compose, timeout } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { CircuitOpenError, isCircuitOpenError } from './errors.ts';
import { consecutive } from './triggers/consecutive.ts';
import { countWindow } from './triggers/count-window.ts';

const ok = async () => 'ok';
const boom = async () => {
  throw new Error('boom');
};
const swallow = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isCircuitOpenError(error) ? `rejected:${error.state}` : 'failed'),
  );

type Step = 'ok' | 'fail' | `advance ${number}` | `state ${string}`;

describe('circuitBreaker transitions', () => {
  const table: { name: string; steps: Step[] }[] = [
    {
      name: 'stays closed below the threshold',
      steps: ['fail', 'fail', 'state closed', 'ok', 'fail', 'fail', 'state closed'],
    },
    { name: 'opens exactly at the threshold', steps: ['fail', 'fail', 'fail', 'state open'] },
    {
      name: 'half-opens when the open period has elapsed, not before',
      steps: ['fail', 'fail', 'fail', 'advance 999', 'state open', 'advance 1', 'state half-open'],
    },
    {
      name: 'a successful probe closes',
      steps: ['fail', 'fail', 'fail', 'advance 1000', 'ok', 'state closed', 'fail', 'fail', 'state closed'],
    },
    {
      name: 'a failed probe re-opens',
      steps: [
        'fail',
        'fail',
        'fail',
        'advance 1000',
        'fail',
        'state open',
        'advance 999',
        'state open',
        'advance 1',
        'state half-open',
      ],
    },
  ];
  it.each(table)('$name', async ({ steps }) => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 3 }), halfOpenAfter: 1_000, clock });
    for (const step of steps) {
      if (step === 'ok') expect(await breaker.execute(ok)).toBe('ok');
      else if (step === 'fail') await expect(breaker.execute(boom)).rejects.toThrow('boom');
      else if (step.startsWith('advance')) await clock.advance(Number(step.split(' ')[1]));
      else expect(breaker.state).toBe(step.split(' ')[1]);
    }
  });

  it('while open, rejects without running fn, with a shrinking retryAfterMs', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 5_000, clock });
    await breaker.execute(boom).catch(() => {});
    let ran = 0;
    const error = await breaker.execute(async () => ran++).catch((e: unknown) => e);
    expect(ran).toBe(0);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(error).toMatchObject({ code: 'SENTINEL_CIRCUIT_OPEN', state: 'open', retryAfterMs: 5_000 });
    await clock.advance(1_500);
    await expect(breaker.execute(ok)).rejects.toMatchObject({ retryAfterMs: 3_500 });
    expect(breaker.status()).toMatchObject({ state: 'open', retryAfterMs: 3_500, openedAt: 0, attempt: 1 });
  });

  it('needs halfOpenSuccesses successful probes to close', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: 10,
      halfOpenSuccesses: 3,
      clock,
    });
    await swallow(breaker.execute(boom));
    await clock.advance(10);
    await breaker.execute(ok);
    await breaker.execute(ok);
    expect(breaker.state).toBe('half-open');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
  });

  it('grows the open period with a backoff, passing attempt, previous delay and random; a close starts over', async () => {
    const clock = new ManualClock();
    const calls: [number, number, number][] = [];
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: (attempt, previous, random) => {
        calls.push([attempt, previous, random()]);
        return attempt * 100;
      },
      random: () => 0.25,
      clock,
    });
    const opens: number[] = [];
    breaker.onOpen((event) => opens.push(event.openForMs));
    await swallow(breaker.execute(boom));
    for (const wait of [100, 200]) {
      await clock.advance(wait);
      await swallow(breaker.execute(boom)); // failed probe
    }
    expect(opens).toEqual([100, 200, 300]);
    expect(calls).toEqual([
      [1, 0, 0.25],
      [2, 100, 0.25],
      [3, 200, 0.25],
    ]);
    await clock.advance(300);
    await breaker.execute(ok);
    await swallow(breaker.execute(boom));
    expect(opens.at(-1)).toBe(100);
  });

  it('clamps a backoff that returns NaN, a negative or a huge number', async () => {
    const clock = new ManualClock();
    const results = [Number.NaN, -5, Number.POSITIVE_INFINITY];
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: (attempt) => results[attempt - 1] as number,
      clock,
    });
    const opens: number[] = [];
    breaker.onOpen((event) => opens.push(event.openForMs));
    await swallow(breaker.execute(boom));
    await swallow(breaker.execute(boom)); // probe right away: the period was 0
    await swallow(breaker.execute(boom));
    expect(opens).toEqual([0, 0, 2_147_483_647]);
  });

  it('ignores the outcome of a call started before a transition', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10, clock });
    let finishSlow: (value: string) => void = () => {};
    const slow = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          finishSlow = resolve;
        }),
    );
    await swallow(breaker.execute(boom));
    await clock.advance(10);
    expect(breaker.state).toBe('half-open');
    finishSlow('late');
    expect(await slow).toBe('late');
    expect(breaker.state).toBe('half-open'); // the stale success did not close it
  });

  it('counts a synchronous throw as a failure and rejects with it', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock: new ManualClock() });
    const error = new Error('sync');
    await expect(
      breaker.execute(() => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(breaker.state).toBe('open');
  });

  it('returns values and errors unchanged, sync work included', async () => {
    const breaker = circuitBreaker({ clock: new ManualClock() });
    expect(await breaker.execute(() => 42)).toBe(42);
    const error = new Error('x');
    await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
    await expect(breaker.execute(async () => 1, { signal: new AbortController().signal })).resolves.toBe(1);
  });

  it('never subscribes to the caller signal, on success, failure or rejection', async () => {
    const controller = new AbortController();
    const options = { signal: controller.signal };
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock: new ManualClock() });
    await breaker.execute(async () => 1, options);
    await swallow(breaker.execute(boom, options));
    await swallow(breaker.execute(async () => 1, options));
    expect(breaker.state).toBe('open');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('judges outcomes with isFailure and isIgnored (a resolved 503 fails, a 404 counts neither way)', async () => {
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 2 }),
      isFailure: (o) => (o.ok ? (o.value as { status: number }).status >= 500 : true),
      isIgnored: (o) => !o.ok && (o.error as { status?: number }).status === 404,
      clock: new ManualClock(),
    });
    const notFound = Object.assign(new Error('nf'), { status: 404 });
    await breaker.execute(async () => ({ status: 503 }));
    for (let i = 0; i < 5; i++) await swallow(breaker.execute(() => Promise.reject(notFound)));
    expect(breaker.status().failures).toBe(1);
    await breaker.execute(async () => ({ status: 503 }));
    expect(breaker.state).toBe('open');
  });

  it('never counts a failure of a call whose caller aborted', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock: new ManualClock() });
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const pending = breaker.execute(
      (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
      { signal: controller.signal },
    );
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(breaker.state).toBe('closed');
    expect(breaker.status().calls).toBe(0);
  });

  it('an abort through compose(timeout) is ignored too, but a timeout itself counts', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    const pipeline = compose(breaker, timeout({ ms: 100, clock }));
    const hung = pipeline.execute(
      (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    const settled = hung.catch((error: unknown) => error); // handled before it rejects
    await clock.advance(100);
    expect(await settled).toMatchObject({ code: 'SENTINEL_TIMEOUT' });
    expect(breaker.state).toBe('open');
  });

  it('a timeout outside the breaker is the caller giving up: not counted', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    const pipeline = compose(timeout({ ms: 100, clock }), breaker);
    const hung = pipeline.execute(
      (ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))),
    );
    const settled = hung.catch((error: unknown) => error); // handled before it rejects
    await clock.advance(100);
    expect(await settled).toMatchObject({ code: 'SENTINEL_TIMEOUT' });
    expect(breaker.status()).toMatchObject({ state: 'closed', calls: 0 });
  });

  it('hands fn the enclosing context itself, and builds no signal for it', async () => {
    const breaker = circuitBreaker({ clock: new ManualClock() });
    const scope = new AttemptScope(undefined, 3);
    const seen = await breaker.execute((ctx) => ctx, scope);
    expect(seen).toBe(scope);
    expect(seen.attempt).toBe(3);
    const fresh = await breaker.execute((ctx) => ctx.attempt);
    expect(fresh).toBe(1);
  });

  it('detects slow calls by the clock and opens on the slow-call rate', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: countWindow({ size: 2, failureRate: 1, slowCallMs: 100, slowCallRate: 1 }),
      clock,
    });
    const successes: unknown[] = [];
    breaker.onSuccess((event) => successes.push(event));
    const slowCall = () => breaker.execute(() => clock.sleep(150).then(() => 'slow'));
    const first = slowCall();
    await clock.advance(150);
    expect(await first).toBe('slow');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 2; i++) {
      const again = slowCall();
      await clock.advance(150);
      await again;
    }
    // The window now holds the last two calls, both slow.
    expect(breaker.status()).toMatchObject({ state: 'open', slowCallRate: 1, slowCalls: 2, failures: 0 });
    expect(successes).toEqual([
      { state: 'closed', slow: true, durationMs: 150 },
      { state: 'closed', slow: false, durationMs: 0 },
      { state: 'closed', slow: true, durationMs: 150 },
      { state: 'closed', slow: true, durationMs: 150 },
    ]);
  });

  it('reset() closes, forgets the window, and ignores calls started before', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), clock });
    let failLate: (e: Error) => void = () => {};
    const late = swallow(
      breaker.execute(
        () =>
          new Promise((_, reject) => {
            failLate = reject;
          }),
      ),
    );
    await swallow(breaker.execute(boom));
    breaker.reset();
    expect(breaker.status()).toMatchObject({ state: 'closed', calls: 0 });
    failLate(new Error('late'));
    await late;
    await swallow(breaker.execute(boom));
    expect(breaker.state).toBe('closed'); // only one counted failure since the reset
    await swallow(breaker.execute(boom));
    const closes: unknown[] = [];
    breaker.onClose((e) => closes.push(e));
    breaker.reset();
    expect(closes).toEqual([{ reason: 'reset' }]);
    expect(breaker.state).toBe('closed');
  });
});
