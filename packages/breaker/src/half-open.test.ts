import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { isCircuitOpenError } from './errors.ts';
import { consecutive } from './triggers/consecutive.ts';

const boom = async () => {
  throw new Error('boom');
};

async function halfOpenBreaker(options: { halfOpenMaxCalls?: number; halfOpenProbeTimeoutMs?: number } = {}) {
  const clock = new ManualClock();
  const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 100, clock, ...options });
  await breaker.execute(boom).catch(() => {});
  await clock.advance(100);
  expect(breaker.state).toBe('half-open');
  return { clock, breaker };
}

describe('half-open', () => {
  it('never runs more than halfOpenMaxCalls probes at once, out of 1,000 concurrent calls', async () => {
    const { breaker } = await halfOpenBreaker({ halfOpenMaxCalls: 3 });
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const probe = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        release.push(() => {
          running--;
          resolve('ok');
        });
      });
    const calls = Array.from({ length: 1_000 }, () => breaker.execute(probe));
    const results = await Promise.allSettled(calls.slice(3));
    expect(
      results.every((r) => r.status === 'rejected' && isCircuitOpenError(r.reason) && r.reason.state === 'half-open'),
    ).toBe(true);
    expect(most).toBe(3);
    expect(breaker.status()).toMatchObject({ state: 'half-open', probesInFlight: 3, retryAfterMs: 100 });
    for (const done of release) done();
    await Promise.all(calls.slice(0, 3));
    expect(breaker.state).toBe('closed');
    expect(most).toBe(3);
  });

  it('a freed probe slot admits the next probe', async () => {
    const { breaker } = await halfOpenBreaker();
    const first = breaker.tryAcquire();
    expect(first?.probe).toBe(true);
    expect(breaker.tryAcquire()).toBeUndefined();
    first?.ignore(); // counts neither way, frees the slot
    expect(breaker.state).toBe('half-open');
    const second = breaker.tryAcquire();
    expect(second).toBeDefined();
    second?.success();
    expect(breaker.state).toBe('closed');
  });

  it('a probe permit never settled counts as a failed probe after halfOpenProbeTimeoutMs, lazily', async () => {
    const { clock, breaker } = await halfOpenBreaker({ halfOpenProbeTimeoutMs: 1_000 });
    const opens: string[] = [];
    breaker.onOpen((event) => opens.push(event.reason));
    const lost = breaker.tryAcquire();
    expect(lost).toBeDefined();
    await clock.advance(999);
    expect(breaker.tryAcquire()).toBeUndefined();
    await clock.advance(1);
    expect(breaker.state).toBe('open');
    expect(opens).toEqual(['probe-timeout']);
    // The lost permit settling late changes nothing.
    lost?.success();
    expect(breaker.state).toBe('open');
    await clock.advance(100);
    expect(breaker.tryAcquire()?.probe).toBe(true);
  });

  it('a hung probe started by execute is also given up on, and its late outcome ignored', async () => {
    const { clock, breaker } = await halfOpenBreaker({ halfOpenProbeTimeoutMs: 500 });
    let finish: (v: string) => void = () => {};
    const hung = breaker.execute(
      () =>
        new Promise<string>((resolve) => {
          finish = resolve;
        }),
    );
    await clock.advance(500);
    expect(breaker.status()).toMatchObject({ state: 'open', attempt: 2 });
    finish('late');
    await hung;
    expect(breaker.state).toBe('open');
  });

  it('a slow probe re-opens when slow-call detection is on', async () => {
    const { countWindow } = await import('./triggers/count-window.ts');
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: countWindow({ size: 1, failureRate: 1, slowCallMs: 50 }),
      halfOpenAfter: 10,
      clock,
    });
    await breaker.execute(boom).catch(() => {});
    await clock.advance(10);
    const probe = breaker.execute(() => clock.sleep(60));
    await clock.advance(60);
    await probe;
    expect(breaker.state).toBe('open');
  });
});

describe('clocks that read negative times', () => {
  it('times calls and runs the whole cycle on a ManualClock starting below zero', async () => {
    const clock = new ManualClock(-10_000);
    const { countWindow } = await import('./triggers/count-window.ts');
    const breaker = circuitBreaker({
      trigger: countWindow({ size: 1, failureRate: 1, slowCallMs: 50 }),
      halfOpenAfter: 100,
      clock,
    });
    const slow = breaker.execute(() => clock.sleep(50));
    await clock.advance(50);
    await slow;
    expect(breaker.status()).toMatchObject({ state: 'open', slowCalls: 1, openedAt: -9_950 });
    await clock.advance(100);
    await breaker.execute(async () => 'ok');
    expect(breaker.state).toBe('closed');
  });
});
