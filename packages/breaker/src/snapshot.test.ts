import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import type { CircuitBreakerSnapshot } from './snapshot.ts';
import { consecutive } from './triggers/consecutive.ts';
import { countWindow } from './triggers/count-window.ts';
import { timeWindow } from './triggers/time-window.ts';

const triggers = {
  consecutive: () => consecutive({ threshold: 3 }),
  countWindow: () => countWindow({ size: 5, failureRate: 0.6, slowCallMs: 100 }),
  timeWindow: () => timeWindow({ windowMs: 1_000, buckets: 4, failureRate: 0.5, minimumThroughput: 3 }),
};

/** JSON through a string, as a restart would see it. */
const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as CircuitBreakerSnapshot;

describe('toJSON() / initialState', () => {
  it.each(Object.entries(triggers))(
    '%s: a closed breaker with calls in its window round-trips',
    async (_name, trigger) => {
      const clock = new ManualClock(5_000);
      const breaker = circuitBreaker({ trigger: trigger(), clock });
      breaker.tryAcquire()?.failure();
      await clock.advance(300);
      breaker.tryAcquire()?.success();
      breaker.tryAcquire()?.failure();
      const snapshot = roundTrip(breaker);
      // Another process, another clock origin.
      const restored = circuitBreaker({ trigger: trigger(), clock: new ManualClock(77), initialState: snapshot });
      expect(roundTrip(restored)).toEqual(snapshot);
      const { state, calls, failures, failureRate } = breaker.status();
      expect(restored.status()).toMatchObject({ state, calls, failures, failureRate });
    },
  );

  it('an open breaker restores open for the time it had left, with its backoff attempt', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    breaker.tryAcquire()?.failure();
    await clock.advance(400);
    const snapshot = roundTrip(breaker);
    expect(snapshot).toMatchObject({ version: 1, state: 'open', openForMs: 600, attempt: 1, lastOpenMs: 1_000 });
    const other = new ManualClock(10_000);
    const restored = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: 1_000,
      clock: other,
      initialState: snapshot,
    });
    expect(restored.status()).toMatchObject({ state: 'open', retryAfterMs: 600, attempt: 1 });
    await other.advance(600);
    expect(restored.state).toBe('half-open');
  });

  it('a half-open breaker restores half-open with its probe successes', async () => {
    const clock = new ManualClock();
    const options = { trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10, halfOpenSuccesses: 2, clock };
    const breaker = circuitBreaker(options);
    breaker.tryAcquire()?.failure();
    await clock.advance(10);
    breaker.tryAcquire()?.success();
    const snapshot = roundTrip(breaker);
    expect(snapshot).toMatchObject({ state: 'half-open', probeSuccesses: 1 });
    const restored = circuitBreaker({ ...options, initialState: snapshot });
    restored.tryAcquire()?.success();
    expect(restored.state).toBe('closed');
  });

  it('an isolated breaker is saved as what releasing it gives: closed and empty', () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 3 }), clock: new ManualClock() });
    breaker.tryAcquire()?.failure();
    breaker.isolate();
    expect(breaker.toJSON()).toEqual({
      version: 1,
      state: 'closed',
      openForMs: 0,
      attempt: 0,
      lastOpenMs: 0,
      probeSuccesses: 0,
      window: { kind: 'consecutive', failures: 0 },
    });
  });

  const valid = (): Record<string, unknown> => ({
    version: 1,
    state: 'closed',
    openForMs: 0,
    attempt: 0,
    lastOpenMs: 0,
    probeSuccesses: 0,
    window: { kind: 'countWindow', size: 5, outcomes: [0, 1] },
  });
  it.each([
    ['not an object', 'nope', 'initialState'],
    ['an unknown version', { ...valid(), version: 2 }, 'initialState.version'],
    ['an unknown state', { ...valid(), state: 'ajar' }, 'initialState.state'],
    ['a negative open time', { ...valid(), state: 'open', attempt: 1, openForMs: -1 }, 'initialState.openForMs'],
    ['closed with an attempt', { ...valid(), attempt: 2 }, 'initialState.attempt'],
    ['open without an attempt', { ...valid(), state: 'open' }, 'initialState.attempt'],
    [
      'too many probe successes',
      { ...valid(), state: 'half-open', attempt: 1, probeSuccesses: 1 },
      'initialState.probeSuccesses',
    ],
    ['another trigger kind', { ...valid(), window: { kind: 'consecutive', failures: 1 } }, 'initialState.window.kind'],
    ['no window', { ...valid(), window: null }, 'initialState.window'],
    [
      'another window size',
      { ...valid(), window: { kind: 'countWindow', size: 6, outcomes: [] } },
      'initialState.window.size',
    ],
    [
      'bad outcome codes',
      { ...valid(), window: { kind: 'countWindow', size: 5, outcomes: [0, 7] } },
      'initialState.window.outcomes',
    ],
    [
      'too many outcomes',
      { ...valid(), window: { kind: 'countWindow', size: 5, outcomes: [0, 0, 0, 0, 0, 0] } },
      'initialState.window.outcomes',
    ],
  ])('a malformed snapshot (%s) is a ConfigError naming the field', (_name, initialState, option) => {
    let error: unknown;
    try {
      circuitBreaker({ trigger: countWindow({ size: 5, failureRate: 0.5 }), initialState: initialState as never });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ option });
  });

  it.each([
    [{ kind: 'consecutive', failures: 4 }, consecutive({ threshold: 3 }), 'initialState.window.failures'],
    [{ kind: 'consecutive', failures: -1 }, consecutive({ threshold: 3 }), 'initialState.window.failures'],
    [
      { kind: 'timeWindow', windowMs: 500, buckets: [] },
      timeWindow({ windowMs: 1_000, buckets: 2, failureRate: 0.5 }),
      'initialState.window.windowMs',
    ],
    [
      {
        kind: 'timeWindow',
        windowMs: 1_000,
        buckets: [
          [1, 2, 0],
          [0, 0, 0],
        ],
      },
      timeWindow({ windowMs: 1_000, buckets: 2, failureRate: 0.5 }),
      'initialState.window.buckets',
    ],
    [
      { kind: 'timeWindow', windowMs: 1_000, buckets: [[1, 0, 0]] },
      timeWindow({ windowMs: 1_000, buckets: 2, failureRate: 0.5 }),
      'initialState.window.buckets',
    ],
  ])('a window that does not fit its trigger is a ConfigError (%o)', (window, trigger, option) => {
    const initialState = {
      version: 1,
      state: 'closed',
      openForMs: 0,
      attempt: 0,
      lastOpenMs: 0,
      probeSuccesses: 0,
      window,
    };
    expect(() => circuitBreaker({ trigger, initialState: initialState as never })).toThrow(
      expect.objectContaining({ code: 'SENTINEL_CONFIG', option }),
    );
  });
});
