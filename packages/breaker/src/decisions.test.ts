import type { Decision } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';

describe('breaker: decisions reported to the call’s onDecision', () => {
  it('reports a refusal with the state and the wait left, and a probe, only to the call concerned', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    const closed: Decision[] = [];
    await breaker
      .execute(() => Promise.reject(new Error('down')), { onDecision: (d) => closed.push(d) })
      .catch(() => {});
    expect(closed).toEqual([]);

    await clock.advance(400);
    const refused: Decision[] = [];
    await breaker.execute(() => 'never', { onDecision: (d) => refused.push(d) }).catch(() => {});
    expect(refused).toEqual([{ layer: 'breaker', decision: 'reject', state: 'open', retryAfterMs: 600 }]);

    await clock.advance(600);
    const probed: Decision[] = [];
    expect(await breaker.execute(() => 'back', { onDecision: (d) => probed.push(d) })).toBe('back');
    expect(probed).toEqual([{ layer: 'breaker', decision: 'probe' }]);
    expect(breaker.state).toBe('closed');
  });

  it('an isolated breaker reports its refusal without a wait (it has none to give)', async () => {
    const breaker = circuitBreaker({ clock: new ManualClock() });
    using _hold = breaker.isolate();
    const seen: Decision[] = [];
    await breaker.execute(() => 'never', { onDecision: (d) => seen.push(d) }).catch(() => {});
    expect(seen).toEqual([{ layer: 'breaker', decision: 'reject', state: 'isolated' }]);
    expect(JSON.parse(JSON.stringify(seen))).toEqual(seen);
  });
});
