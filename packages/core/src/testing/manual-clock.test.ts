import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { MAX_DELAY_MS } from '../clock/clock.ts';
import { isConfigError } from '../errors/errors.ts';
import { ManualClock } from './manual-clock.ts';

describe('ManualClock', () => {
  it('starts at the given time and only moves when advanced', async () => {
    const clock = new ManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    await clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('wakes due sleepers in time order, ties in the order they slept, with now() at each due time', async () => {
    const clock = new ManualClock();
    const woke: string[] = [];
    const sleep = (name: string, ms: number) => clock.sleep(ms).then(() => woke.push(`${name}@${clock.now()}`));
    const all = [sleep('c', 30), sleep('a', 10), sleep('b1', 20), sleep('b2', 20), sleep('late', 100)];
    expect(clock.pending).toBe(5);
    expect(clock.nextDue).toBe(10);
    await clock.advance(50);
    expect(woke).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.now()).toBe(50);
    expect(clock.pending).toBe(1);
    await clock.advance(50);
    await Promise.all(all);
    expect(woke.at(-1)).toBe('late@100');
  });

  it('lets promise callbacks run between sleepers, so sleeps they start inside the window also wake', async () => {
    const clock = new ManualClock();
    const times: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        await Promise.resolve(); // a few extra hops before the next sleep
        times.push(clock.now());
      }
    })();
    await clock.advance(30);
    await loop;
    expect(times).toEqual([10, 20, 30]);
  });

  it('gives work started just before advance() the chance to reach its sleep', async () => {
    const clock = new ManualClock();
    let done = false;
    void (async () => {
      await Promise.resolve();
      await Promise.resolve();
      await clock.sleep(5);
      done = true;
    })();
    await clock.advance(5);
    expect(done).toBe(true);
  });

  it('does not wake a sleeper before its due time', async () => {
    const clock = new ManualClock();
    let woke = false;
    void clock.sleep(10).then(() => {
      woke = true;
    });
    await clock.advance(9);
    expect(woke).toBe(false);
    await clock.advance(1);
    expect(woke).toBe(true);
  });

  it('resolves a zero-length sleep at once', async () => {
    const clock = new ManualClock();
    await clock.sleep(0);
    expect(clock.pending).toBe(0);
  });

  it('an abort removes the sleeper and rejects with the reason, leaving no listener', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(100, controller.signal);
    const reason = new Error('stop');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(clock.pending).toBe(0);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a woken sleeper leaves no abort listener behind', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(10, controller.signal);
    await clock.advance(10);
    await sleeping;
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('rejects an already-aborted signal and invalid delays like systemClock', async () => {
    const clock = new ManualClock();
    const reason = new Error('pre');
    await expect(clock.sleep(1, AbortSignal.abort(reason))).rejects.toBe(reason);
    const error = await clock.sleep(-1).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('ManualClock.sleep: "ms" must be a number >= 0; received -1');
  });

  it('timer() calls back at its due time in order with sleepers, unless cancelled', async () => {
    const clock = new ManualClock();
    const seen: string[] = [];
    clock.timer(20, () => seen.push(`timer@${clock.now()}`));
    void clock.sleep(10).then(() => seen.push(`sleep@${clock.now()}`));
    const cancel = clock.timer(15, () => seen.push('cancelled timer'));
    expect(clock.pending).toBe(3);
    cancel();
    expect(clock.pending).toBe(2);
    await clock.advance(30);
    expect(seen).toEqual(['sleep@10', 'timer@20']);
    expect(clock.pending).toBe(0);
  });

  it('runAll() wakes everything, moving time to each due point', async () => {
    const clock = new ManualClock();
    const woke: number[] = [];
    void clock.sleep(5_000).then(() => woke.push(clock.now()));
    void clock.sleep(10).then(async () => {
      woke.push(clock.now());
      await clock.sleep(7);
      woke.push(clock.now());
    });
    await clock.runAll();
    expect(woke).toEqual([10, 17, 5_000]);
    expect(clock.pending).toBe(0);
  });

  it('runAll() stops with an error when something sleeps forever in a loop', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    void (async () => {
      while (!controller.signal.aborted) await clock.sleep(1, controller.signal).catch(() => {});
    })();
    await expect(clock.runAll({ maxSteps: 50 })).rejects.toThrow(/after 50 steps/);
    controller.abort();
  });

  it('refuses overlapping advance() calls instead of interleaving them', async () => {
    const clock = new ManualClock();
    const first = clock.advance(10);
    await expect(clock.advance(10)).rejects.toThrow(/already running/);
    await first;
    expect(clock.now()).toBe(10);
  });

  it('refuses invalid advance() amounts and start times', async () => {
    const clock = new ManualClock();
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(clock.advance(ms)).rejects.toSatisfy(isConfigError);
    }
    expect(() => new ManualClock(Number.NaN)).toThrow(/startMs/);
  });

  it('regression (issue 15): a NaN timer is refused; it used to stay pending forever', () => {
    const clock = new ManualClock();
    expect(() => clock.timer(Number.NaN, () => {})).toThrow(
      'ManualClock.timer: "ms" must be a number (below 0 counts as 0); received NaN',
    );
    expect(() => clock.timer('5' as never, () => {})).toThrow(/received "5"/);
    expect(clock.pending).toBe(0);
  });

  it('regression (issue 15): clamps sleeps and timers to 2^31 − 1 ms like systemClock, so time stays finite', async () => {
    const clock = new ManualClock();
    let slept = false;
    let fired = false;
    void clock.sleep(Number.POSITIVE_INFINITY).then(() => (slept = true));
    clock.timer(Number.POSITIVE_INFINITY, () => (fired = true));
    expect(clock.nextDue).toBe(MAX_DELAY_MS);
    await clock.runAll();
    expect([slept, fired, clock.now()]).toEqual([true, true, MAX_DELAY_MS]);
    // Below 0 counts as 0.
    clock.timer(-5, () => (fired = false));
    await clock.advance(0);
    expect(fired).toBe(false);
  });
});
