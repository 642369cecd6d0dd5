import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { Emitter, isConfigError } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { createWorkerPool } from '@sentinel/workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Telemetry } from '../test-support/telemetry.ts';
import { instrumentPolicy } from './instrument-policy.ts';

let telemetry: Telemetry;
const cleanups: (() => unknown)[] = [];
const instrument = (policy: object, name: string) => {
  const disposer = instrumentPolicy(policy, { name, meterProvider: telemetry.meterProvider });
  cleanups.push(() => disposer.dispose());
  return disposer;
};
const fail = () => Promise.reject(new Error('down'));
const caught = (promise: Promise<unknown>) => promise.catch(() => undefined);

beforeEach(() => {
  telemetry = new Telemetry();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await telemetry.shutdown();
});

describe('instrumentPolicy: circuit breaker', () => {
  it('a breaker opening shows in the state gauge and the transitions counter; refusals are counted', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter: 1_000, clock });
    instrument(breaker, 'payments');
    const state = async () =>
      (await telemetry.points('sentinel.breaker.state'))
        .filter((p) => p.value === 1)
        .map((p) => p.attributes['sentinel.breaker.state']);
    expect(await state()).toEqual(['closed']);
    await caught(breaker.execute(fail));
    await caught(breaker.execute(fail));
    expect(await state()).toEqual(['open']);
    expect(await telemetry.points('sentinel.breaker.state')).toHaveLength(4);
    expect(await telemetry.points('sentinel.breaker.transitions')).toEqual([
      {
        attributes: {
          'sentinel.policy.name': 'payments',
          'sentinel.breaker.from': 'closed',
          'sentinel.breaker.to': 'open',
        },
        value: 1,
      },
    ]);
    await caught(breaker.execute(() => 'refused'));
    await caught(breaker.execute(() => 'refused'));
    expect(await telemetry.points('sentinel.breaker.rejections')).toEqual([
      { attributes: { 'sentinel.policy.name': 'payments', 'sentinel.breaker.state': 'open' }, value: 2 },
    ]);
    await clock.advance(1_000);
    // Collection reads the state: the elapsed open period turns it half-open then.
    expect(await state()).toEqual(['half-open']);
    const transitions = await telemetry.points('sentinel.breaker.transitions');
    expect(transitions.map((p) => p.attributes['sentinel.breaker.to'])).toEqual(['open', 'half-open']);
  });
});

describe('instrumentPolicy: rate limit', () => {
  it('limiter waits are recorded in seconds; refusals by reason', async () => {
    const clock = new ManualClock();
    const policy = rateLimit({
      limiter: tokenBucket({ capacity: 1, refillPerSecond: 10, clock, initialTokens: 0 }),
      clock,
      maxWaitMs: 250,
    });
    instrument(policy, 'partner-api');
    const a = policy.execute(() => 'a');
    const b = policy.execute(() => 'b');
    const c = caught(policy.execute(() => 'c'));
    await flushMicrotasks();
    await clock.advance(200);
    await Promise.all([a, b, c]);
    const waits = await telemetry.points('sentinel.ratelimit.wait.duration');
    expect(waits).toHaveLength(1);
    expect(waits[0]?.attributes).toEqual({ 'sentinel.policy.name': 'partner-api' });
    expect(waits[0]?.value).toMatchObject({ count: 2 });
    expect((waits[0]?.value as { sum: number } | undefined)?.sum).toBeCloseTo(0.3, 9);
    expect(await telemetry.points('sentinel.ratelimit.rejections')).toEqual([
      { attributes: { 'sentinel.policy.name': 'partner-api', 'sentinel.ratelimit.reason': 'max-wait' }, value: 1 },
    ]);
    const metrics = await telemetry.metrics();
    expect(metrics.get('sentinel.ratelimit.wait.duration')?.descriptor.unit).toBe('s');
  });
});

describe('instrumentPolicy: retry', () => {
  it('attempts (read from status() on collection) and give-ups by reason', async () => {
    const clock = new ManualClock();
    const policy = retry({ maxAttempts: 2, backoff: constant(10), clock });
    instrument(policy, 'search');
    await policy.execute(() => 'ok');
    const failing = caught(policy.execute(fail));
    await clock.advance(10);
    await failing;
    expect(await telemetry.points('sentinel.retry.attempts')).toEqual([
      { attributes: { 'sentinel.policy.name': 'search' }, value: 3 },
    ]);
    expect(await telemetry.points('sentinel.retry.giveups')).toEqual([
      { attributes: { 'sentinel.policy.name': 'search', 'sentinel.retry.reason': 'attempts' }, value: 1 },
    ]);
  });
});

describe('instrumentPolicy: worker pool (duck-typed stats() and onTaskEnd)', () => {
  // The documented shape of @sentinel/workers' pools: stats().queued and onTaskEnd({ ok, ... }).
  const fakePool = () => {
    const taskEnd = new Emitter<{ workerIndex: number; ok: boolean; waitMs: number; runMs: number; error: unknown }>();
    let queued = 0;
    return {
      taskEnd,
      setQueued: (n: number) => {
        queued = n;
      },
      stats: () => ({ workers: [], queued, running: 0, completed: 0, failed: 0, rejected: 0 }),
      onTaskEnd: taskEnd.subscribe,
    };
  };

  it('queue size is read from stats() on collection; tasks are counted by outcome', async () => {
    const pool = fakePool();
    instrument(pool, 'scraper');
    pool.setQueued(7);
    expect(await telemetry.points('sentinel.pool.queue.size')).toEqual([
      { attributes: { 'sentinel.policy.name': 'scraper' }, value: 7 },
    ]);
    pool.taskEnd.emit({ workerIndex: 0, ok: true, waitMs: 1, runMs: 2, error: undefined });
    pool.taskEnd.emit({ workerIndex: 1, ok: true, waitMs: 1, runMs: 2, error: undefined });
    pool.taskEnd.emit({ workerIndex: 1, ok: false, waitMs: 1, runMs: 2, error: new Error('x') });
    const tasks = await telemetry.points('sentinel.pool.tasks');
    expect(tasks.map((p) => [p.attributes['sentinel.pool.outcome'], p.value])).toEqual([
      ['ok', 2],
      ['error', 1],
    ]);
  });
});

describe('instrumentPolicy: @sentinel/workers pool', () => {
  it('a real pool: queued tasks in the gauge, finished tasks by outcome', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    cleanups.push(() => pool.close());
    instrument(pool, 'gateway');
    let release: () => void = () => {};
    const blocker = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = pool.run(() => blocker);
    const queued = [
      pool.run(() => 'ok'),
      pool.run(() => Promise.reject(new Error('task failed'))).catch(() => 'failed'),
    ];
    expect(await telemetry.points('sentinel.pool.queue.size')).toEqual([
      { attributes: { 'sentinel.policy.name': 'gateway' }, value: 2 },
    ]);
    release();
    await Promise.all([running, ...queued]);
    expect(await telemetry.points('sentinel.pool.queue.size')).toEqual([
      { attributes: { 'sentinel.policy.name': 'gateway' }, value: 0 },
    ]);
    const tasks = await telemetry.points('sentinel.pool.tasks');
    expect(tasks.map((p) => [p.attributes['sentinel.pool.outcome'], p.value])).toEqual([
      ['ok', 2],
      ['error', 1],
    ]);
  });
});

describe('instrumentPolicy: lifecycle, span events and options', () => {
  it('disposing stops all recording: listeners and gauge callbacks are removed', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    const disposer = instrument(breaker, 'b');
    await caught(breaker.execute(fail));
    expect(await telemetry.points('sentinel.breaker.transitions')).toHaveLength(1);
    disposer.dispose();
    disposer.dispose();
    await caught(breaker.execute(() => 'refused'));
    await clock.advance(1_000);
    expect(breaker.state).toBe('half-open');
    expect(await telemetry.points('sentinel.breaker.rejections')).toEqual([]);
    expect((await telemetry.points('sentinel.breaker.transitions')).map((p) => p.value)).toEqual([1]);
    // The gauge's callback is gone: the SDK repeats the last observation (open), not the new state.
    const states = await telemetry.points('sentinel.breaker.state');
    expect(states.filter((p) => p.value === 1).map((p) => p.attributes['sentinel.breaker.state'])).toEqual(['open']);
  });

  it("a policy's events become events on the span active when they happen", async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    cleanups.push(() => context.disable());
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    instrument(breaker, 'inventory');
    await caught(breaker.execute(fail));
    const span = telemetry.tracerProvider.getTracer('app').startSpan('lookup');
    await context.with(trace.setSpan(context.active(), span), () => caught(breaker.execute(() => 'refused')));
    span.end();
    const [finished] = telemetry.spans();
    expect(finished?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'sentinel.breaker.reject',
        {
          'sentinel.policy.name': 'inventory',
          'sentinel.breaker.state': 'open',
          'sentinel.breaker.retry_after_ms': 1_000,
        },
      ],
    ]);
  });

  it('refuses what it cannot instrument, and a bad name, naming the option', () => {
    const attempt = (policy: unknown, options: unknown) => {
      try {
        instrumentPolicy(policy as object, options as never);
      } catch (error) {
        return error as { option?: string };
      }
    };
    const meterProvider = telemetry.meterProvider;
    for (const [policy, options, option] of [
      [{ execute: () => {} }, { name: 'x', meterProvider }, 'policy'],
      [null, { name: 'x', meterProvider }, 'policy'],
      [circuitBreaker({}), { name: '', meterProvider }, 'name'],
      [circuitBreaker({}), { name: 'x'.repeat(129), meterProvider }, 'name'],
      [circuitBreaker({}), { name: 'x', meterProvider: {} }, 'meterProvider'],
      [circuitBreaker({}), undefined, 'name'],
    ] as const) {
      const error = attempt(policy, options);
      expect(isConfigError(error), `${option}`).toBe(true);
      expect(error?.option).toBe(option);
    }
  });
});
