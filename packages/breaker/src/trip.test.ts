import { EventRecorder, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { uncaught } from '../../core/test/uncaught.ts';
import { breakerGroup } from './breaker-group.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { isCircuitOpenError } from './errors.ts';
import { consecutive } from './triggers/consecutive.ts';

const ok = async () => 'ok';
const boom = async () => {
  throw new Error('boom');
};
const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

function setup(halfOpenAfter = 1_000) {
  const clock = new ManualClock();
  const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter, clock });
  const events = new EventRecorder();
  breaker.onStateChange(events.listener('stateChange'));
  breaker.onOpen(events.listener('open'));
  breaker.onHalfOpen(events.listener('halfOpen'));
  breaker.onReject(events.listener('reject'));
  return { clock, breaker, events };
}

describe('trip(ms, detail): opening a breaker from outside', () => {
  it('opens a closed breaker for exactly ms; rejections carry the time left; then it half-opens and probes', async () => {
    const { clock, breaker, events } = setup();
    breaker.trip(5_000, 'peer saw an outage');
    expect(breaker.state).toBe('open');
    expect(events.payloads('open')).toEqual([
      { reason: 'tripped', openForMs: 5_000, attempt: 1, outcome: undefined, detail: 'peer saw an outage' },
    ]);
    expect(events.payloads('stateChange')).toEqual([{ from: 'closed', to: 'open', at: 0 }]);
    await clock.advance(1_500);
    const error = await rejection(breaker.execute(ok));
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ state: 'open', retryAfterMs: 3_500 });
    expect(breaker.status()).toMatchObject({ state: 'open', retryAfterMs: 3_500, openedAt: 0, attempt: 1 });
    expect(breaker.toJSON()).toMatchObject({ state: 'open', openForMs: 3_500, lastOpenMs: 5_000 });
    // The breaker's own halfOpenAfter (1 s) does not apply: the trip said 5 s.
    await clock.advance(3_499);
    expect(breaker.state).toBe('open');
    await clock.advance(1);
    expect(breaker.state).toBe('half-open');
    expect(await breaker.execute(ok)).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('a failed probe after a trip re-opens with the breaker own backoff, counting the trip as attempt 1', async () => {
    const clock = new ManualClock();
    const periods: [number, number][] = [];
    const breaker = circuitBreaker({
      trigger: consecutive({ threshold: 1 }),
      halfOpenAfter: (attempt, previous) => {
        periods.push([attempt, previous]);
        return previous * 2;
      },
      clock,
    });
    breaker.trip(300);
    await clock.advance(300);
    await rejection(breaker.execute(boom));
    expect(periods).toEqual([[2, 300]]);
    expect(breaker.status()).toMatchObject({ state: 'open', retryAfterMs: 600, attempt: 2 });
  });

  it('on an open breaker: extends to ms from now when later, never shortens, and fires no event', async () => {
    const { clock, breaker, events } = setup(1_000);
    await rejection(breaker.execute(boom));
    await rejection(breaker.execute(boom));
    expect(breaker.status().retryAfterMs).toBe(1_000);
    events.clear();
    breaker.trip(200);
    expect(breaker.status().retryAfterMs).toBe(1_000);
    breaker.trip(4_000, 'longer outage');
    expect(breaker.status()).toMatchObject({ state: 'open', retryAfterMs: 4_000, attempt: 1 });
    expect(events.names()).toEqual([]);
    await clock.advance(4_000);
    expect(breaker.state).toBe('half-open');
  });

  it('on a half-open breaker: re-opens it and forgets the probes in flight', async () => {
    const { clock, breaker } = setup(100);
    await rejection(breaker.execute(boom));
    await rejection(breaker.execute(boom));
    await clock.advance(100);
    const probe = breaker.tryAcquire();
    expect(probe).toBeDefined();
    breaker.trip(2_000);
    expect(breaker.status()).toMatchObject({ state: 'open', probesInFlight: 0, retryAfterMs: 2_000, attempt: 2 });
    // The old probe's outcome belongs to a past state: it changes nothing.
    probe?.success();
    expect(breaker.state).toBe('open');
  });

  it('an open period that has just elapsed half-opens first, then the trip opens it again', async () => {
    const { clock, breaker, events } = setup(100);
    await rejection(breaker.execute(boom));
    await rejection(breaker.execute(boom));
    await clock.advance(100);
    events.clear();
    breaker.trip(50);
    expect(events.names()).toEqual(['stateChange', 'halfOpen', 'stateChange', 'open']);
    expect(breaker.status().retryAfterMs).toBe(50);
  });

  it('trip(0) opens for no time: the next call is a probe', async () => {
    const { breaker } = setup();
    breaker.trip(0);
    expect(breaker.state).toBe('half-open');
    expect(await breaker.execute(ok)).toBe('ok');
    expect(breaker.state).toBe('closed');
  });

  it('an isolated breaker stays isolated; releasing it closes as usual', () => {
    const { breaker, events } = setup();
    const hold = breaker.isolate();
    events.clear();
    breaker.trip(5_000);
    expect(breaker.state).toBe('isolated');
    expect(events.names()).toEqual([]);
    hold.dispose();
    expect(breaker.state).toBe('closed');
  });

  it('refuses bad arguments with a ConfigError naming them, and changes nothing', () => {
    const { breaker } = setup();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '100', undefined]) {
      expect(() => breaker.trip(ms as number)).toThrow(/circuitBreaker\.trip: "ms"/);
    }
    // A value whose valueOf/toString lie is still not a number.
    const liar = { valueOf: () => 100, toString: () => '100' };
    expect(() => breaker.trip(liar as never)).toThrow(/"ms"/);
    expect(() => breaker.trip(100, 42 as never)).toThrow(/"detail" must be a string or undefined/);
    expect(breaker.state).toBe('closed');
    expect(() => breaker.trip(2 ** 31 - 1)).not.toThrow();
  });
});

describe("breakerGroup's onCreate", () => {
  it('lets a listener trip a new breaker before get() returns it (it starts open)', async () => {
    const clock = new ManualClock();
    const group = breakerGroup({ create: () => circuitBreaker({ clock }), clock });
    const seen: string[] = [];
    const off = group.onCreate(({ key, breaker }) => {
      seen.push(key);
      if (key === 'https://down.example') breaker.trip(3_000, 'known outage');
    });
    expect(group.get('https://down.example').status()).toMatchObject({ state: 'open', retryAfterMs: 3_000 });
    expect(group.get('https://up.example').state).toBe('closed');
    group.get('https://down.example');
    expect(seen).toEqual(['https://down.example', 'https://up.example']);
    off.dispose();
    group.delete('https://down.example');
    expect(group.get('https://down.example').state).toBe('closed');
  });

  it('a throwing listener does not stop the group from returning the breaker; the bug surfaces', async () => {
    const group = breakerGroup({ create: () => circuitBreaker() });
    const bug = new Error('listener bug');
    group.onCreate(() => {
      throw bug;
    });
    const seen = await uncaught(async () => {
      expect(group.get('a').state).toBe('closed');
      expect(group.size).toBe(1);
    });
    expect(seen).toEqual([bug]);
  });
});
