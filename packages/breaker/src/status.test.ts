import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import type { CircuitBreaker } from './api.ts';
import { breakerGroup } from './breaker-group.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';
import { countWindow } from './triggers/count-window.ts';
import { timeWindow } from './triggers/time-window.ts';
import type { Trigger } from './triggers/trigger.ts';

/*
 * status() and toJSON() promise plain JSON: what a dashboard, a log line or a restart reads back
 * must be the same value. `toStrictEqual` (unlike `toEqual`) tells a field holding `undefined`
 * from a missing one, and `Object.is` tells -0 from 0: both are what JSON would change.
 */
const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function expectJsonSafe(value: object): void {
  expect(json(value)).toStrictEqual(value);
  // Also field by field, so a failure names the field (and catches -0, which toStrictEqual allows).
  for (const [field, v] of Object.entries(value)) {
    expect({ field, value: json({ v }) }).toStrictEqual({ field, value: { v } });
    if (typeof v === 'number') expect({ field, minusZero: Object.is(v, -0) }).toEqual({ field, minusZero: false });
  }
}

const fail = async () => {
  throw new Error('down');
};

type Setup = (breaker: CircuitBreaker, clock: ManualClock) => Promise<void>;

const failUntilOpen: Setup = async (breaker) => {
  for (let i = 0; i < 10 && breaker.state === 'closed'; i++) await breaker.execute(fail).catch(() => {});
  expect(breaker.state).toBe('open');
};

const states: { name: string; state: string; setup: Setup }[] = [
  { name: 'closed, fresh', state: 'closed', setup: async () => {} },
  {
    name: 'closed, with calls in the window',
    state: 'closed',
    setup: async (breaker) => {
      breaker.tryAcquire()?.success();
      breaker.tryAcquire()?.success();
      breaker.tryAcquire()?.failure();
    },
  },
  { name: 'open', state: 'open', setup: failUntilOpen },
  {
    name: 'half-open, no probe running',
    state: 'half-open',
    setup: async (breaker, clock) => {
      await failUntilOpen(breaker, clock);
      await clock.advance(1_000);
    },
  },
  {
    name: 'half-open, every probe slot taken',
    state: 'half-open',
    setup: async (breaker, clock) => {
      await failUntilOpen(breaker, clock);
      await clock.advance(1_000);
      expect(breaker.tryAcquire()?.probe).toBe(true);
    },
  },
  {
    name: 'closed again, after a successful probe',
    state: 'closed',
    setup: async (breaker, clock) => {
      await failUntilOpen(breaker, clock);
      await clock.advance(1_000);
      await breaker.execute(async () => 'ok');
    },
  },
  {
    name: 'isolated',
    state: 'isolated',
    setup: async (breaker) => {
      breaker.isolate();
    },
  },
  {
    name: 'tripped from outside, then reset',
    state: 'closed',
    setup: async (breaker) => {
      breaker.trip(500, 'status page');
      breaker.reset();
    },
  },
];

const triggers: Record<string, () => Trigger> = {
  consecutive: () => consecutive({ threshold: 2 }),
  countWindow: () => countWindow({ size: 4, failureRate: 0.5, minimumCalls: 2, slowCallMs: 100 }),
  timeWindow: () => timeWindow({ windowMs: 1_000, buckets: 4, failureRate: 0.5, minimumThroughput: 2 }),
};

const cases = Object.entries(triggers).flatMap(([trigger, make]) =>
  states.map((s) => ({ ...s, trigger, make, title: `${trigger}: ${s.name}` })),
);

describe('status() and toJSON() survive JSON unchanged', () => {
  it.each(cases)('$title', async ({ make, setup, state }) => {
    const clock = new ManualClock(1_234);
    const breaker = circuitBreaker({ trigger: make(), halfOpenAfter: 1_000, clock });
    await setup(breaker, clock);
    const status = breaker.status();
    expect(status.state).toBe(state);
    expectJsonSafe(status);
    expectJsonSafe(breaker.toJSON());
  });

  it('a closed breaker reports openedAt: null (regression: it was undefined, which JSON drops)', () => {
    const status = circuitBreaker().status();
    expect(status.openedAt).toBeNull();
    expect(json(status)).toHaveProperty('openedAt', null);
  });

  it('an isolated breaker reports retryAfterMs: null, open and half-open ones the time', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    const off = breaker.isolate();
    expect(breaker.status()).toMatchObject({ state: 'isolated', retryAfterMs: null, openedAt: null });
    off.dispose();
    await breaker.execute(fail).catch(() => {});
    expect(breaker.status()).toMatchObject({ state: 'open', retryAfterMs: 1_000, openedAt: 0 });
  });

  it('halfOpenAfter -0 is read as 0, so the snapshot does not change through JSON (regression)', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: -0, clock });
    await breaker.execute(fail).catch(() => {});
    breaker.tryAcquire(); // the only probe slot: retryAfterMs is now the last open period
    expect(breaker.state).toBe('half-open');
    expectJsonSafe(breaker.status());
    expectJsonSafe(breaker.toJSON());
  });

  it.each([
    ['trip(-0)', (b: CircuitBreaker) => b.trip(-0)],
    ['a backoff returning -0', undefined],
  ])('%s opens for 0 ms, never -0 (regression)', async (_name, act) => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: act === undefined ? () => -0 : 1_000,
      clock,
    });
    if (act !== undefined) act(breaker);
    else await breaker.execute(fail).catch(() => {});
    breaker.tryAcquire();
    expectJsonSafe(breaker.status());
    expectJsonSafe(breaker.toJSON());
  });

  it('a -0 in a hand-made initialState reads back as 0', () => {
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      clock: new ManualClock(),
      initialState: {
        version: 1,
        state: 'half-open',
        openForMs: -0,
        attempt: 1,
        lastOpenMs: -0,
        probeSuccesses: 0,
        window: { kind: 'consecutive', failures: 0 },
      },
    });
    breaker.tryAcquire();
    expectJsonSafe(breaker.status());
    expectJsonSafe(breaker.toJSON());
  });

  it('breakers made by a group, per key, read the same way in every state', async () => {
    const clock = new ManualClock();
    const group = breakerGroup({
      create: () => circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock }),
      clock,
    });
    group.get('fresh');
    await group
      .get('open')
      .execute(fail)
      .catch(() => {});
    group.get('isolated').isolate();
    group.get('tripped').trip(300, 'peer');
    for (const key of group.keys()) {
      const breaker = group.get(key);
      expectJsonSafe(breaker.status());
      expectJsonSafe(breaker.toJSON());
    }
    expect(group.keys().map((key) => group.peek(key)?.status().state)).toEqual(['closed', 'open', 'isolated', 'open']);
  });
});
