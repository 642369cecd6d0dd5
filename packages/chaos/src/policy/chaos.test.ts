import { compose, isConfigError, timeout } from '@sentinel/core';
import { constantRandom, EventRecorder, ManualClock, sequenceRandom } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { chaos } from './chaos.ts';
import { isChaosError } from './errors.ts';
import type { ChaosInjectEvent } from './events.ts';

describe('chaos', () => {
  it('throws a ChaosError instead of running when the roll is below faultRate', async () => {
    let runs = 0;
    const policy = chaos({ faultRate: 0.5, random: sequenceRandom([0.4, 0.6]) });
    const first = await policy.execute(() => ++runs).catch((e: unknown) => e);
    expect(isChaosError(first)).toBe(true);
    expect(first).toMatchObject({ code: 'SENTINEL_CHAOS', name: 'ChaosError' });
    expect(await policy.execute(() => ++runs)).toBe(1);
  });

  it('throws the given error, or the error a function makes', async () => {
    const boom = new Error('boom');
    await expect(chaos({ faultRate: 1, error: boom }).execute(() => 1)).rejects.toBe(boom);
    const made = chaos({ faultRate: 1, error: (ctx: { attempt: number }) => new Error(`attempt ${ctx.attempt}`) });
    await expect(made.execute(() => 1, { attempt: 3 })).rejects.toThrow('attempt 3');
  });

  it('returns the outcome instead of running', async () => {
    let ran = false;
    const policy = chaos({ faultRate: 1, outcome: () => ({ status: 503 }) });
    await expect(
      policy.execute(() => {
        ran = true;
        return { status: 200 };
      }),
    ).resolves.toEqual({ status: 503 });
    expect(ran).toBe(false);
  });

  it('never injects at faultRate 0 and always at 1', async () => {
    const never = chaos({ faultRate: 0, random: constantRandom(0) });
    const always = chaos({ faultRate: 1, random: constantRandom(0.999) });
    for (let i = 0; i < 20; i++) {
      await expect(never.execute(() => i)).resolves.toBe(i);
      await expect(always.execute(() => i)).rejects.toSatisfy(isChaosError);
    }
  });

  it('injects the same faults under the same seed', async () => {
    const run = async () => {
      const policy = chaos({ faultRate: 0.3, seed: 99 });
      const results: boolean[] = [];
      for (let i = 0; i < 50; i++) results.push(await policy.execute(() => true).catch(() => false));
      return results;
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(5);
  });

  it('waits latencyMs on the injected clock before every call', async () => {
    const clock = new ManualClock();
    const policy = chaos({ faultRate: 0, latencyMs: 100, clock });
    let done = false;
    const call = policy
      .execute(() => 'ok')
      .then((v) => {
        done = true;
        return v;
      });
    await clock.advance(99);
    expect(done).toBe(false);
    await clock.advance(1);
    await expect(call).resolves.toBe('ok');
  });

  it('samples a latency range from the random', async () => {
    const clock = new ManualClock();
    const recorder = new EventRecorder();
    const policy = chaos({ faultRate: 0, latencyMs: { min: 10, max: 30 }, clock, random: constantRandom(0.5) });
    policy.onInject(recorder.listener<ChaosInjectEvent>('inject'));
    const call = policy.execute(() => 1);
    await clock.advance(20);
    await expect(call).resolves.toBe(1);
    expect(recorder.events).toEqual([{ name: 'inject', payload: { kind: 'latency', attempt: 1, latencyMs: 20 } }]);
  });

  it('rejects at once with the signal reason when aborted during the latency', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const call = chaos({ latencyMs: 1_000, clock }).execute(() => 1, { signal: controller.signal });
    controller.abort(new Error('stop'));
    await expect(call).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
  });

  it('lets an outer timeout cut an injected latency', async () => {
    const clock = new ManualClock();
    const pipeline = compose(timeout({ ms: 50, clock }), chaos({ faultRate: 0, latencyMs: 1_000, clock }));
    const call = expect(pipeline.execute(() => 1)).rejects.toMatchObject({ code: 'SENTINEL_TIMEOUT' });
    await clock.advance(50);
    await call;
  });

  it('reports error and outcome injections', async () => {
    const recorder = new EventRecorder();
    const policy = chaos({ faultRate: 1 });
    using _ = policy.onInject(recorder.listener<ChaosInjectEvent>('inject'));
    await policy.execute(() => 1, { attempt: 2 }).catch(() => {});
    expect(recorder.events).toEqual([{ name: 'inject', payload: { kind: 'error', attempt: 2 } }]);
  });

  it('runs every call untouched when disabled', async () => {
    await expect(chaos({ faultRate: 1, enabled: false }).execute(() => 'ok')).resolves.toBe('ok');
  });

  it('turns a synchronous throw of the work into a rejection', async () => {
    await expect(
      chaos({ faultRate: 0 }).execute(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
  });

  it.each<[string, object, string]>([
    ['a faultRate above 1', { faultRate: 1.5 }, 'faultRate'],
    ['a negative latency', { latencyMs: -5 }, 'latencyMs'],
    ['a latency string', { latencyMs: '5' }, 'latencyMs'],
    ['a max below min', { latencyMs: { min: 5, max: 1 } }, 'latencyMs.max'],
    ['both error and outcome', { error: new Error('x'), outcome: () => 1 }, 'outcome'],
    ['both seed and random', { seed: 1, random: () => 0 }, 'random'],
    ['a random that is not a function', { random: 0.5 }, 'random'],
    ['a fractional seed', { seed: 1.5 }, 'seed'],
    ['an unknown option', { rate: 0.5 }, 'rate'],
  ])('rejects %s', (_title, options, option) => {
    let caught: unknown;
    try {
      chaos(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect(caught).toMatchObject({ option });
  });
});
