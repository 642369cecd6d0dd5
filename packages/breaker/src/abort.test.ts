import { getEventListeners } from 'node:events';
import { AttemptScope, compose, contextFor, type ExecuteOptions } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import type { CircuitBreaker } from './api.ts';
import { breakerGroup } from './breaker-group.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';
import { countWindow } from './triggers/count-window.ts';

const fail = async () => {
  throw new Error('down');
};

/** Every event the breaker can emit, recorded by name. */
function recordEvents(breaker: CircuitBreaker): string[] {
  const seen: string[] = [];
  breaker.onStateChange(() => seen.push('stateChange'));
  breaker.onOpen(() => seen.push('open'));
  breaker.onHalfOpen(() => seen.push('halfOpen'));
  breaker.onClose(() => seen.push('close'));
  breaker.onReject(() => seen.push('reject'));
  breaker.onSuccess(() => seen.push('success'));
  breaker.onFailure(() => seen.push('failure'));
  return seen;
}

type Arrange = (breaker: CircuitBreaker, clock: ManualClock) => Promise<void>;

const open: Arrange = async (breaker) => {
  await breaker.execute(fail).catch(() => {});
  expect(breaker.state).toBe('open');
};

const states: { state: string; arrange: Arrange }[] = [
  { state: 'closed', arrange: async () => {} },
  { state: 'open', arrange: open },
  {
    state: 'half-open',
    arrange: async (breaker, clock) => {
      await open(breaker, clock);
      await clock.advance(1_000);
    },
  },
  {
    state: 'isolated',
    arrange: async (breaker) => {
      breaker.isolate();
    },
  },
  {
    state: 'open', // by trip()
    arrange: async (breaker) => {
      breaker.trip(5_000, 'from outside');
    },
  },
];

/** How an already-aborted signal reaches `execute`: plain options, or a context made by core. */
const carriers: { name: string; options: (signal: AbortSignal) => ExecuteOptions }[] = [
  { name: '{ signal }', options: (signal) => ({ signal }) },
  { name: 'a pass-through context', options: (signal) => contextFor({ signal }) },
  { name: "a scope (a retry's or timeout's attempt)", options: (signal) => new AttemptScope({ signal }, 2) },
];

const reasons: { name: string; make: () => AbortController }[] = [
  {
    name: 'an Error',
    make: () => {
      const c = new AbortController();
      c.abort(new Error('caller gave up'));
      return c;
    },
  },
  {
    name: 'no reason (an AbortError)',
    make: () => {
      const c = new AbortController();
      c.abort();
      return c;
    },
  },
  {
    name: 'a string',
    make: () => {
      const c = new AbortController();
      c.abort('gone');
      return c;
    },
  },
];

const cases = states.flatMap(({ state, arrange }) =>
  carriers.flatMap((carrier) =>
    reasons.map((reason) => ({ state, arrange, carrier, reason, title: `${state}, ${carrier.name}, ${reason.name}` })),
  ),
);

describe('execute with an already-aborted signal (regression: fn ran and was counted)', () => {
  it.each(cases)(
    '$title: rejects with the reason, runs nothing, counts nothing',
    async ({ arrange, carrier, reason, state }) => {
      const clock = new ManualClock();
      const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
      await arrange(breaker, clock);
      expect(breaker.state).toBe(state);
      const before = breaker.status();
      const snapshot = breaker.toJSON();
      const events = recordEvents(breaker);
      const controller = reason.make();
      let ran = 0;
      const result = breaker.execute(async () => ran++, carrier.options(controller.signal));
      await expect(result).rejects.toBe(controller.signal.reason);
      expect(ran).toBe(0);
      expect(events).toEqual([]);
      expect(breaker.status()).toStrictEqual(before);
      expect(breaker.toJSON()).toStrictEqual(snapshot);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    },
  );

  it('takes no half-open probe slot: the next live call is still the probe', async () => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    await open(breaker, clock);
    await clock.advance(1_000);
    await breaker.execute(async () => 'never', { signal: AbortSignal.abort() }).catch(() => {});
    expect(breaker.status().probesInFlight).toBe(0);
    await expect(breaker.execute(async () => 'probe')).resolves.toBe('probe');
    expect(breaker.state).toBe('closed');
  });

  it('a count window does not see the call (no success, no failure recorded)', async () => {
    const breaker = circuitBreaker({ trigger: countWindow({ size: 2, failureRate: 0.5, minimumCalls: 1 }) });
    await breaker.execute(async () => 'x', { signal: AbortSignal.abort() }).catch(() => {});
    await breaker.execute(fail, { signal: AbortSignal.abort() }).catch(() => {});
    expect(breaker.status()).toMatchObject({ state: 'closed', calls: 0, failures: 0 });
  });

  it('through compose() and through a group’s breaker, the same', async () => {
    const group = breakerGroup({ create: () => circuitBreaker({ trigger: consecutive({ threshold: 1 }) }) });
    const reason = new Error('stop');
    const signal = AbortSignal.abort(reason);
    let ran = 0;
    const work = async () => ran++;
    await expect(compose(group.get('a')).execute(work, { signal })).rejects.toBe(reason);
    await expect(group.get('b').execute(work, { signal })).rejects.toBe(reason);
    await expect(compose(compose(group.get('c'))).execute(work, { signal })).rejects.toBe(reason);
    expect(ran).toBe(0);
    for (const key of ['a', 'b', 'c']) expect(group.peek(key)?.status().calls).toBe(0);
  });

  it('rejects even when fn would throw synchronously, without calling it', async () => {
    const breaker = circuitBreaker();
    const reason = new Error('aborted first');
    let ran = 0;
    const sync = () => {
      ran++;
      throw new Error('sync');
    };
    await expect(breaker.execute(sync, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ran).toBe(0);
  });
});

describe('no listener is left on the caller’s signal', () => {
  const flows: {
    name: string;
    run: (breaker: CircuitBreaker, clock: ManualClock, signal: AbortSignal) => Promise<unknown>;
  }[] = [
    { name: 'a success', run: (b, _c, signal) => b.execute(async () => 1, { signal }) },
    { name: 'a failure', run: (b, _c, signal) => b.execute(fail, { signal }).catch(() => {}) },
    {
      name: 'work that reads ctx.signal',
      run: (b, _c, signal) => b.execute(async (ctx) => ctx.signal.aborted, { signal }),
    },
    {
      name: 'a rejection while open',
      run: async (b, c, signal) => {
        await open(b, c);
        await b.execute(async () => 1, { signal }).catch(() => {});
      },
    },
    {
      name: 'a half-open probe',
      run: async (b, c, signal) => {
        await open(b, c);
        await c.advance(1_000);
        await b.execute(async () => 1, { signal });
      },
    },
    {
      name: 'a composed call',
      run: (b, _c, signal) => compose(b, compose()).execute(async (ctx) => ctx.signal.aborted, { signal }),
    },
  ];

  it.each(flows)('after $name', async ({ run }) => {
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock });
    const controller = new AbortController();
    await run(breaker, clock, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a call aborted while it runs is ignored, and leaves no listener either', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }) });
    const controller = new AbortController();
    const call = breaker.execute(
      async () => {
        controller.abort(new Error('late'));
        throw new Error('cancelled');
      },
      { signal: controller.signal },
    );
    await expect(call).rejects.toThrow('cancelled');
    expect(breaker.status()).toMatchObject({ state: 'closed', failures: 0 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
