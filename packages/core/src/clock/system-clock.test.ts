import { createHook } from 'node:async_hooks';
import { getEventListeners, setMaxListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors/errors.ts';
import { MAX_DELAY_MS } from './clock.ts';
import { systemClock, systemWallClock } from './system-clock.ts';

interface TimerWatch {
  /** Timers created and neither fired nor cleared yet. */
  live: number;
  /** Created timers that would keep the process alive. */
  refed: number;
}

/** Watches the platform timers created while `body` runs, through async_hooks. */
async function watchTimers(body: () => Promise<void>): Promise<TimerWatch> {
  const live = new Set<number>();
  const created: { hasRef(): boolean }[] = [];
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type !== 'Timeout') return;
      live.add(id);
      created.push(resource as { hasRef(): boolean });
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  let refed = 0;
  try {
    await body();
    refed = created.filter((timer) => timer.hasRef()).length;
    // destroy hooks are emitted on a later turn of the loop.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    hook.disable();
  }
  return { live: live.size, refed };
}

/** 100,000 sleeps spread over 100 signals (Node removes listeners in linear time per signal). */
function manySleeps(ms: number, controllers: AbortController[]): Promise<void>[] {
  // 1,000 listeners per signal are intended here; keep Node's leak warning quiet.
  setMaxListeners(0, ...controllers.map((c) => c.signal));
  return Array.from({ length: 100_000 }, (_, i) => systemClock.sleep(ms, controllers[i % controllers.length]?.signal));
}

function abortListeners(controllers: AbortController[]): number {
  return controllers.reduce((sum, c) => sum + getEventListeners(c.signal, 'abort').length, 0);
}

describe('systemClock', () => {
  it('reads monotonic time from performance.now()', () => {
    const a = systemClock.now();
    const b = systemClock.now();
    expect(b).toBeGreaterThanOrEqual(a);
    expect(Math.abs(a - performance.now())).toBeLessThan(1_000);
  });

  it('resolves a zero-length sleep without a timer', async () => {
    expect(await watchTimers(() => systemClock.sleep(0))).toEqual({ live: 0, refed: 0 });
  });

  it('rejects a negative or NaN delay with a ConfigError naming the value', async () => {
    for (const ms of [-1, Number.NaN, '5' as unknown as number]) {
      const error = await systemClock.sleep(ms).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain('systemClock.sleep: "ms" must be a number >= 0');
    }
  });

  it('rejects at once with the reason of an already-aborted signal', async () => {
    const reason = new Error('stop');
    await expect(systemClock.sleep(10, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it('rejects at once with the signal reason when aborted during the sleep, and removes its listener', async () => {
    const controller = new AbortController();
    const sleeping = systemClock.sleep(3_600_000, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    const reason = new Error('cancelled');
    controller.abort(reason);
    await expect(sleeping).rejects.toBe(reason);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('does not keep the process alive while a sleep is pending (its timer is unref’d)', async () => {
    const controller = new AbortController();
    const watch = await watchTimers(async () => {
      const sleeping = systemClock.sleep(3_600_000, controller.signal).catch(() => {});
      controller.abort();
      await sleeping;
    });
    expect(watch).toEqual({ live: 0, refed: 0 });
  });

  it('clamps delays above 2^31 − 1 ms instead of letting the platform fire them at once', async () => {
    const controller = new AbortController();
    let resolved = false;
    const sleeping = systemClock.sleep(MAX_DELAY_MS * 4, controller.signal).then(
      () => {
        resolved = true;
      },
      () => {},
    );
    // Node turns an overflowing delay into 1 ms; after several turns of the loop it must still be pending.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    controller.abort();
    await sleeping;
    expect(resolved).toBe(false);
  });

  it('leaves no timer and no abort listener behind after 100,000 sleeps that complete', async () => {
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const watch = await watchTimers(async () => {
      await Promise.all(manySleeps(1, controllers));
    });
    expect(watch).toEqual({ live: 0, refed: 0 });
    expect(abortListeners(controllers)).toBe(0);
  }, 30_000);

  it('leaves no timer and no abort listener behind after 100,000 sleeps that are aborted', async () => {
    const controllers = Array.from({ length: 100 }, () => new AbortController());
    const watch = await watchTimers(async () => {
      const sleeps = manySleeps(3_600_000, controllers);
      expect(abortListeners(controllers)).toBe(100_000);
      const reason = new Error('shutdown');
      for (const controller of controllers) controller.abort(reason);
      const results = await Promise.allSettled(sleeps);
      expect(results.every((r) => r.status === 'rejected' && r.reason === reason)).toBe(true);
    });
    expect(watch).toEqual({ live: 0, refed: 0 });
    expect(abortListeners(controllers)).toBe(0);
  }, 30_000);
});

describe('systemWallClock', () => {
  it('reads calendar time in epoch milliseconds', () => {
    const before = Date.now();
    const now = systemWallClock();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});

describe('systemClock.timer', () => {
  it('fires once after the delay, on an unref’d timer that is gone afterwards', async () => {
    let fired = 0;
    const watch = await watchTimers(async () => {
      await new Promise<void>((resolve) => {
        systemClock.timer?.(1, () => {
          fired++;
          resolve();
        });
      });
    });
    expect(fired).toBe(1);
    expect(watch).toEqual({ live: 0, refed: 0 });
  });

  it('never fires once cancelled, and leaves no timer behind', async () => {
    let fired = false;
    const watch = await watchTimers(async () => {
      const cancel = systemClock.timer?.(3_600_000, () => {
        fired = true;
      });
      cancel?.();
    });
    expect(fired).toBe(false);
    expect(watch).toEqual({ live: 0, refed: 0 });
  });

  it('regression (issue 15): refuses a NaN delay instead of firing after ~1 ms (a ManualClock never fired it)', async () => {
    const watch = await watchTimers(async () => {
      expect(() => systemClock.timer?.(Number.NaN, () => {})).toThrow(
        'systemClock.timer: "ms" must be a number (below 0 counts as 0); received NaN',
      );
    });
    expect(watch).toEqual({ live: 0, refed: 0 });
  });
});
