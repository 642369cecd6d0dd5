import type { Disposer } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker.ts';
import { isCircuitOpenError } from './errors.ts';
import { countWindow } from './triggers/count-window.ts';

/*
 * Model-based test: random sequences of successes, failures, slow successes, time advances and
 * batches of concurrent calls settled in random order run against the breaker and against a
 * small reference model written from the README's rules; after every step they must agree.
 * `trip()` is one of the controls. Invariants checked on the way: an open breaker never runs `fn`; probes in flight never exceed
 * halfOpenMaxCalls.
 */

const SIZE = 4;
const FAILURE_RATE = 0.5;
const MINIMUM_CALLS = 3;
const SLOW_MS = 50;
const SLOW_RATE = 0.75;
const HALF_OPEN_AFTER = 100; // times the attempt: the open period grows while probes fail
const MAX_PROBES = 2;
const PROBE_SUCCESSES = 2;

type State = 'closed' | 'open' | 'half-open' | 'isolated';
type Control = 'isolate' | 'release' | 'reset' | 'trip';
const TRIP_MS = 150;
type Result = 'ok' | 'fail';

class Model {
  state: State = 'closed';
  now = 0;
  generation = 0;
  window: { failed: boolean; slow: boolean }[] = [];
  attempt = 0;
  openUntil = 0;
  probes = 0;
  successes = 0;
  isolations = 0;

  control(control: Control): void {
    if (control === 'trip') {
      // trip(): isolation outranks it; an open period is only ever extended; otherwise it opens.
      if (this.state === 'isolated') return;
      this.refresh();
      if (this.state === 'open') this.openUntil = Math.max(this.openUntil, this.now + TRIP_MS);
      else this.#open(TRIP_MS);
    } else if (control === 'isolate') {
      if (this.isolations++ === 0) this.#move('isolated');
    } else if (control === 'release') {
      if (this.isolations > 0 && --this.isolations === 0) this.#close();
    } else if (this.state === 'closed' || this.state === 'isolated') {
      // reset(): forget the window; calls in flight become stale; an isolation stays.
      this.window = [];
      this.attempt = 0;
      this.generation++;
    } else {
      this.#close();
    }
  }

  refresh(): void {
    if (this.state === 'open' && this.now >= this.openUntil) this.#move('half-open');
  }

  /** Whether a call starting now is admitted; the generation it belongs to. */
  start(): { admitted: boolean; generation: number; probe: boolean } {
    this.refresh();
    if (this.state === 'closed') return { admitted: true, generation: this.generation, probe: false };
    if (this.state === 'half-open' && this.probes < MAX_PROBES) {
      this.probes++;
      return { admitted: true, generation: this.generation, probe: true };
    }
    return { admitted: false, generation: this.generation, probe: false };
  }

  settle(call: { generation: number; probe: boolean }, failed: boolean, slow: boolean): void {
    if (call.generation !== this.generation) return;
    if (call.probe) {
      this.probes--;
      if (failed || slow) this.#open();
      else if (++this.successes >= PROBE_SUCCESSES) this.#close();
      return;
    }
    this.window.push({ failed, slow });
    if (this.window.length > SIZE) this.window.shift();
    const n = this.window.length;
    const failures = this.window.filter((c) => c.failed).length;
    const slows = this.window.filter((c) => c.slow).length;
    if (n >= MINIMUM_CALLS && (failures / n >= FAILURE_RATE || slows / n >= SLOW_RATE)) this.#open();
  }

  #close(): void {
    this.window = [];
    this.attempt = 0;
    this.#move('closed');
  }

  #open(periodMs?: number): void {
    this.attempt++;
    this.openUntil = this.now + (periodMs ?? HALF_OPEN_AFTER * this.attempt);
    this.#move('open');
  }

  #move(state: State): void {
    this.state = state;
    this.generation++;
    this.probes = 0;
    this.successes = 0;
  }
}

type Action =
  | { type: 'call'; result: Result; slow: boolean }
  | { type: 'advance'; ms: number }
  | { type: 'control'; control: Control }
  | {
      type: 'batch';
      results: Result[];
      order: number[];
      control?: Control | undefined;
      controlAt?: number | undefined;
    };

const control = fc.constantFrom<Control>('isolate', 'release', 'reset', 'trip');

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('call' as const),
      result: fc.constantFrom<Result>('ok', 'fail'),
      slow: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 250 }) }) },
  {
    weight: 2,
    arbitrary: fc.array(fc.constantFrom<Result>('ok', 'fail'), { minLength: 1, maxLength: 6 }).chain((results) =>
      fc
        .shuffledSubarray(
          results.map((_, i) => i),
          { minLength: results.length },
        )
        .chain((order) =>
          fc.record({
            type: fc.constant('batch' as const),
            results: fc.constant(results),
            order: fc.constant(order),
            // Sometimes isolate, release or reset while the batch is in flight.
            control: fc.option(control, { nil: undefined, freq: 3 }),
            controlAt: fc.integer({ min: 0, max: results.length }),
          }),
        ),
    ),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('control' as const), control }) },
);

async function run(actions: Action[]): Promise<Set<State>> {
  const visited = new Set<State>();
  const clock = new ManualClock();
  const breaker = circuitBreaker({
    trigger: countWindow({
      size: SIZE,
      failureRate: FAILURE_RATE,
      minimumCalls: MINIMUM_CALLS,
      slowCallMs: SLOW_MS,
      slowCallRate: SLOW_RATE,
    }),
    halfOpenAfter: (attempt) => HALF_OPEN_AFTER * attempt,
    halfOpenMaxCalls: MAX_PROBES,
    halfOpenSuccesses: PROBE_SUCCESSES,
    halfOpenProbeTimeoutMs: 1_000_000,
    clock,
  });
  const model = new Model();
  const holds: Disposer[] = [];
  const apply = (what: Control) => {
    if (what === 'trip') breaker.trip(TRIP_MS);
    else if (what === 'isolate') holds.push(breaker.isolate());
    else if (what === 'release') holds.pop()?.dispose();
    else breaker.reset();
    model.control(what);
  };
  const agree = (step: string) => {
    model.refresh();
    expect(breaker.state, step).toBe(model.state);
    const status = breaker.status();
    expect(
      { attempt: status.attempt, calls: status.calls, failures: status.failures, slowCalls: status.slowCalls },
      step,
    ).toEqual({
      attempt: model.attempt,
      calls: model.window.length,
      failures: model.window.filter((c) => c.failed).length,
      slowCalls: model.window.filter((c) => c.slow).length,
    });
    visited.add(model.state);
    expect(breaker.status().probesInFlight, step).toBeLessThanOrEqual(MAX_PROBES);
  };
  for (const [index, step] of actions.entries()) {
    const label = `step ${index}: ${JSON.stringify(step)}`;
    if (step.type === 'control') {
      apply(step.control);
    } else if (step.type === 'advance') {
      await clock.advance(step.ms);
      model.now += step.ms;
    } else if (step.type === 'call') {
      const call = model.start();
      let ran = false;
      const pending = breaker
        .execute(async () => {
          ran = true;
          if (step.slow) await clock.sleep(SLOW_MS);
          if (step.result === 'fail') throw new Error('fail');
          return 'ok';
        })
        .then(
          () => 'ok',
          (error: unknown) => (isCircuitOpenError(error) ? 'rejected' : 'fail'),
        );
      expect(ran, label).toBe(call.admitted);
      if (step.slow) {
        await clock.advance(SLOW_MS);
        model.now += SLOW_MS;
      }
      const outcome = await pending;
      expect(outcome, label).toBe(call.admitted ? step.result : 'rejected');
      if (call.admitted) model.settle(call, step.result === 'fail', step.slow);
    } else {
      const settlers: ((fail: boolean) => void)[] = [];
      const calls = step.results.map(() => {
        const call = model.start();
        let ran = false;
        const promise = breaker
          .execute(
            () =>
              new Promise((resolve, reject) => {
                ran = true;
                settlers.push((fail) => (fail ? reject(new Error('fail')) : resolve('ok')));
              }),
          )
          .catch(() => {});
        // Invariant: a call is run only when the model admits it (so never while open).
        expect(ran, label).toBe(call.admitted);
        expect(breaker.status().probesInFlight, label).toBeLessThanOrEqual(MAX_PROBES);
        return { call, promise, settle: ran ? settlers.at(-1) : undefined };
      });
      for (const [settledCount, i] of step.order.entries()) {
        if (step.control !== undefined && settledCount === step.controlAt) apply(step.control);
        const entry = calls[i];
        if (entry === undefined) continue;
        const fail = step.results[i] === 'fail';
        entry.settle?.(fail);
        await entry.promise;
        if (entry.call.admitted) model.settle(entry.call, fail, false);
        agree(label);
      }
    }
    agree(label);
  }
  return visited;
}

describe('model-based: the breaker agrees with a reference model', () => {
  it('over random sequences of calls, slow calls, time and concurrent batches', async () => {
    const seen = new Set<State>();
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), async (actions) => {
        for (const state of await run(actions)) seen.add(state);
      }),
      { numRuns: 300, interruptAfterTimeLimit: 20_000 },
    );
    expect([...seen].sort()).toEqual(['closed', 'half-open', 'isolated', 'open']);
  }, 30_000);

  it('a fixed sequence goes through every state', async () => {
    const visited = await run([
      { type: 'call', result: 'fail', slow: false },
      { type: 'call', result: 'fail', slow: false },
      { type: 'call', result: 'ok', slow: true },
      { type: 'advance', ms: 100 },
      { type: 'batch', results: ['ok', 'ok', 'fail'], order: [2, 0, 1] },
      { type: 'advance', ms: 200 },
      { type: 'batch', results: ['ok', 'ok'], order: [1, 0] },
      { type: 'batch', results: ['fail', 'fail', 'fail'], order: [0, 1, 2], control: 'isolate', controlAt: 1 },
      { type: 'control', control: 'reset' },
      { type: 'control', control: 'release' },
      { type: 'call', result: 'ok', slow: false },
    ]);
    expect([...visited].sort()).toEqual(['closed', 'half-open', 'isolated', 'open']);
  });
});
