import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';

describe('permits', () => {
  it('count like execute: failures open the breaker, successes reset a consecutive run', () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), clock: new ManualClock() });
    breaker.tryAcquire()?.failure(new Error('a'));
    breaker.tryAcquire()?.success();
    breaker.tryAcquire()?.failure(new Error('b'));
    expect(breaker.state).toBe('closed');
    const permit = breaker.tryAcquire();
    expect(permit?.probe).toBe(false);
    permit?.failure(new Error('c'));
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBeUndefined();
  });

  it('settling twice, or settling one way then another, is a no-op', () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), clock: new ManualClock() });
    const permit = breaker.tryAcquire();
    permit?.failure();
    permit?.failure();
    permit?.success();
    expect(breaker.status()).toMatchObject({ state: 'closed', failures: 1 });
    const other = breaker.tryAcquire();
    other?.ignore();
    other?.failure();
    expect(breaker.status().failures).toBe(1);
  });

  it('a permit taken before a transition is stale: settling it later changes nothing', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10, clock });
    const early = breaker.tryAcquire();
    breaker.tryAcquire()?.failure();
    await clock.advance(10);
    expect(breaker.state).toBe('half-open');
    early?.success();
    expect(breaker.state).toBe('half-open');
  });

  it('success(value) is still judged by isFailure, failure(error) by isIgnored', () => {
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      isFailure: (o) => !o.ok || o.value === 503,
      isIgnored: (o) => !o.ok && o.error === 'cancelled',
      clock: new ManualClock(),
    });
    breaker.tryAcquire()?.failure('cancelled');
    breaker.tryAcquire()?.success(200);
    expect(breaker.state).toBe('closed');
    breaker.tryAcquire()?.success(503);
    expect(breaker.state).toBe('open');
  });

  it('tryAcquire emits onReject when it refuses', () => {
    const breaker = circuitBreaker({ clock: new ManualClock() });
    const rejects: unknown[] = [];
    breaker.onReject((e) => rejects.push(e));
    using _hold = breaker.isolate();
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(rejects).toEqual([{ state: 'isolated', retryAfterMs: undefined }]);
  });
});

describe('isolate()', () => {
  it('is reference-counted: the breaker closes when the last hold is released', async () => {
    const breaker = circuitBreaker({ clock: new ManualClock() });
    const changes: string[] = [];
    breaker.onStateChange((e) => changes.push(`${e.from}->${e.to}`));
    const a = breaker.isolate();
    const b = breaker.isolate();
    await expect(breaker.execute(async () => 1)).rejects.toMatchObject({
      code: 'SENTINEL_CIRCUIT_OPEN',
      state: 'isolated',
      retryAfterMs: undefined,
    });
    a.dispose();
    a.dispose(); // a second dispose of the same hold does not release b's
    expect(breaker.state).toBe('isolated');
    expect(breaker.status().isolations).toBe(1);
    b[Symbol.dispose]();
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed->isolated', 'isolated->closed']);
    expect(await breaker.execute(async () => 1)).toBe(1);
  });

  it('overrides open and half-open, and ignores probes that were in flight', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10, clock });
    breaker.tryAcquire()?.failure();
    await clock.advance(10);
    const probe = breaker.tryAcquire();
    const hold = breaker.isolate();
    probe?.success();
    expect(breaker.state).toBe('isolated');
    breaker.reset(); // does not lift an isolation
    expect(breaker.state).toBe('isolated');
    hold.dispose();
    expect(breaker.status()).toMatchObject({ state: 'closed', attempt: 0, calls: 0 });
  });
});
