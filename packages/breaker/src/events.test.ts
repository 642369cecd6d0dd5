import { EventRecorder, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { isCircuitOpenError } from './errors.ts';
import { consecutive } from './triggers/consecutive.ts';

const ok = async () => 'ok';
const boom = async () => {
  throw new Error('boom');
};
const swallow = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (isCircuitOpenError(error) ? `rejected:${error.state}` : 'failed'),
  );

describe('events', () => {
  it('emits typed events in order', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 50, clock });
    const events = new EventRecorder();
    breaker.onStateChange(events.listener('stateChange'));
    breaker.onOpen(events.listener('open'));
    breaker.onHalfOpen(events.listener('halfOpen'));
    breaker.onClose(events.listener('close'));
    breaker.onReject(events.listener('reject'));
    breaker.onSuccess(events.listener('success'));
    const failures = breaker.onFailure(events.listener('failure'));
    const error = new Error('boom');
    await swallow(breaker.execute(() => Promise.reject(error)));
    await swallow(breaker.execute(ok));
    await clock.advance(50);
    await breaker.execute(ok);
    failures.dispose();
    expect(events.events).toEqual([
      { name: 'failure', payload: { state: 'closed', slow: false, durationMs: 0, outcome: { ok: false, error } } },
      { name: 'stateChange', payload: { from: 'closed', to: 'open', at: 0 } },
      { name: 'open', payload: { reason: 'trigger', openForMs: 50, attempt: 1, outcome: { ok: false, error } } },
      { name: 'reject', payload: { state: 'open', retryAfterMs: 50 } },
      { name: 'stateChange', payload: { from: 'open', to: 'half-open', at: 50 } },
      { name: 'halfOpen', payload: { openedForMs: 50 } },
      { name: 'success', payload: { state: 'half-open', slow: false, durationMs: 0 } },
      { name: 'stateChange', payload: { from: 'half-open', to: 'closed', at: 50 } },
      { name: 'close', payload: { reason: 'probes-succeeded' } },
    ]);
  });

  it('on* methods are bound and their disposers stop delivery', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock: new ManualClock() });
    const { onOpen, onReject } = breaker;
    const opens: unknown[] = [];
    const rejects: unknown[] = [];
    onOpen((event) => opens.push(event.reason));
    const off = onReject((event) => rejects.push(event.state));
    await swallow(breaker.execute(boom));
    await swallow(breaker.execute(ok));
    off.dispose();
    await swallow(breaker.execute(ok));
    expect(opens).toEqual(['trigger']);
    expect(rejects).toEqual(['open']);
  });
});
