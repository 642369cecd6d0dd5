import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { uncaught } from '../../core/test/uncaught.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';

describe('user callbacks that throw', () => {
  it('a throwing isFailure counts the call as a failure and surfaces the bug', async () => {
    const bug = new Error('bug in isFailure');
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      isFailure: () => {
        throw bug;
      },
      clock: new ManualClock(),
    });
    const seen = await uncaught(async () => {
      expect(await breaker.execute(async () => 'value')).toBe('value');
    });
    expect(seen).toEqual([bug]);
    expect(breaker.state).toBe('open');
  });

  it('a throwing backoff still opens the breaker, for the last period (or 10 s at first)', async () => {
    const clock = new ManualClock();
    const bug = new Error('bug in backoff');
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: () => {
        throw bug;
      },
      clock,
    });
    const periods: number[] = [];
    breaker.onOpen((event) => periods.push(event.openForMs));
    const seen = await uncaught(async () => {
      breaker.tryAcquire()?.failure();
    });
    expect(seen).toEqual([bug]);
    expect(periods).toEqual([10_000]);
    expect(breaker.state).toBe('open');
  });

  it('a throwing listener does not stop the transition it reports', async () => {
    const bug = new Error('bug in listener');
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock: new ManualClock() });
    breaker.onOpen(() => {
      throw bug;
    });
    const seen = await uncaught(async () => {
      await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    });
    expect(seen).toEqual([bug]);
    expect(breaker.state).toBe('open');
    await expect(breaker.execute(async () => 1)).rejects.toMatchObject({ state: 'open' });
  });
});
