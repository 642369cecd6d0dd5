import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/testing/index.ts';
import { AttemptScope, contextFor } from '../context/context.ts';
import { timeout } from '../timeout/timeout.ts';
import { compose, runOperation } from './compose.ts';
import { type Decision, reportDecision } from './decision.ts';
import type { ExecuteOptions, Operation, Policy } from './policy.ts';

// A policy that reports one decision per call and runs the work in its own attempt scope, the way
// a retry or a timeout does.
const reporting = (layer: string): Policy => ({
  execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
    const onDecision = options?.onDecision;
    if (onDecision !== undefined) reportDecision(onDecision, { layer, decision: 'run' });
    const scope = new AttemptScope(options, 2);
    return runOperation(fn, scope).finally(() => scope.dispose());
  },
});

describe('onDecision', () => {
  it('reaches every layer of a composition and the work, in order', async () => {
    const seen: Decision[] = [];
    const policy = compose(reporting('outer'), reporting('middle'), {
      execute: (fn, o) => runOperation(fn, contextFor(o)),
    });
    await policy.execute(
      (ctx) => {
        ctx.onDecision?.({ layer: 'work', decision: 'done' });
      },
      { onDecision: (d) => seen.push(d) },
    );
    expect(seen).toEqual([
      { layer: 'outer', decision: 'run' },
      { layer: 'middle', decision: 'run' },
      { layer: 'work', decision: 'done' },
    ]);
  });

  it('is absent from contexts when the caller gives none', () => {
    expect(contextFor(undefined).onDecision).toBeUndefined();
    expect(new AttemptScope({ attempt: 1 }).onDecision).toBeUndefined();
    expect(new AttemptScope(new AttemptScope(undefined)).onDecision).toBeUndefined();
  });

  it('costs contexts no field: scopes and pass-through contexts read it from their parent', () => {
    const listener = () => {};
    const scope = new AttemptScope({ onDecision: listener });
    expect(scope.onDecision).toBe(listener);
    expect(Object.keys(scope)).not.toContain('onDecision');
    expect(contextFor({ onDecision: listener }).onDecision).toBe(listener);
  });

  it('a listener that throws does not break the policy; its error is reported, not lost', async () => {
    const errors: unknown[] = [];
    const original = queueMicrotask;
    const spy = vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((task) => {
      try {
        task();
      } catch (error) {
        errors.push(error);
      }
    });
    try {
      const boom = new Error('listener bug');
      const result = await reporting('layer').execute(() => 'ok', {
        onDecision: () => {
          throw boom;
        },
      });
      expect(result).toBe('ok');
      expect(errors).toEqual([boom]);
    } finally {
      spy.mockRestore();
      expect(globalThis.queueMicrotask).toBe(original);
    }
  });
});

describe('timeout decisions', () => {
  it('reports the expired deadline to the call that ran out of time, and nothing otherwise', async () => {
    const clock = new ManualClock();
    const policy = timeout({ ms: 100, clock });
    const seen: Decision[] = [];
    await policy.execute(() => 'fast', { onDecision: (d) => seen.push(d) });
    expect(seen).toEqual([]);
    const slow = policy.execute(() => new Promise(() => {}), { onDecision: (d) => seen.push(d) }).catch((e) => e);
    await clock.advance(100);
    expect(((await slow) as Error).name).toBe('TimeoutError');
    expect(seen).toEqual([{ layer: 'timeout', decision: 'expired', ms: 100 }]);
    expect(JSON.parse(JSON.stringify(seen))).toEqual(seen);
  });
});
