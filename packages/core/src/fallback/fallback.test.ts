import { describe, expect, it } from 'vitest';
import { flushMicrotasks, ManualClock } from '../../src/testing/index.ts';
import { uncaught } from '../../test/uncaught.ts';
import { isConfigError, isTimeoutError } from '../errors/errors.ts';
import { compose } from '../policy/compose.ts';
import type { Outcome } from '../policy/outcome.ts';
import type { ExecutionContext } from '../policy/policy.ts';
import { timeout } from '../timeout/timeout.ts';
import { fallback } from './fallback.ts';

describe('fallback', () => {
  it('returns the work’s value and never calls the fallback on success', async () => {
    let called = 0;
    const policy = fallback({ fallback: () => called++ });
    expect(await policy.execute(async () => 'fresh')).toBe('fresh');
    expect(await policy.execute(() => 7)).toBe(7);
    expect(called).toBe(0);
    expect(policy.status()).toEqual({ calls: 2, fallbacks: 0, fallbackFailures: 0, aborts: 0 });
  });

  it('answers a thrown error (sync or async) with the fallback, given the outcome and the call’s context', async () => {
    const seen: { outcome: Outcome<unknown>; context: ExecutionContext }[] = [];
    const policy = fallback({
      fallback: (outcome, context) => {
        seen.push({ outcome, context });
        return 'cached';
      },
    });
    const down = new Error('down');
    const controller = new AbortController();
    expect(await policy.execute(() => Promise.reject(down), { signal: controller.signal, attempt: 3 })).toBe('cached');
    expect(
      await policy.execute(() => {
        throw down;
      }),
    ).toBe('cached');
    expect(seen.map((s) => s.outcome)).toEqual([
      { ok: false, error: down },
      { ok: false, error: down },
    ]);
    // The fallback gets the caller's context: its signal and attempt, unchanged.
    expect(seen[0]?.context.signal).toBe(controller.signal);
    expect(seen[0]?.context.attempt).toBe(3);
    expect(policy.status()).toMatchObject({ calls: 2, fallbacks: 2 });
  });

  it('waits for an async fallback', async () => {
    const clock = new ManualClock();
    const policy = fallback({
      fallback: async () => {
        await clock.sleep(10);
        return 'from cache';
      },
    });
    const call = policy.execute(() => Promise.reject(new Error('down')));
    await clock.advance(10);
    expect(await call).toBe('from cache');
    expect(clock.pending).toBe(0);
  });

  it('shouldHandle replaces resolved values judged failures, and lets unhandled errors through unchanged', async () => {
    const policy = fallback({
      fallback: () => ({ status: 200, body: 'stale copy' }),
      shouldHandle: (outcome) => (outcome.ok ? (outcome.value as { status: number }).status >= 500 : false),
    });
    expect(await policy.execute(async () => ({ status: 503, body: '' }))).toEqual({ status: 200, body: 'stale copy' });
    expect(await policy.execute(async () => ({ status: 404, body: 'none' }))).toEqual({ status: 404, body: 'none' });
    const bug = new TypeError('a bug, not an outage');
    await expect(policy.execute(() => Promise.reject(bug))).rejects.toBe(bug);
    expect(policy.status()).toMatchObject({ calls: 3, fallbacks: 1 });
  });

  it('a fallback that throws (sync or async) rejects the call with its error and reports it', async () => {
    const broken = new Error('cache unavailable too');
    const failures: unknown[] = [];
    const sync = fallback({
      fallback: () => {
        throw broken;
      },
    });
    sync.onFallbackFailed(({ outcome, error }) => failures.push([outcome.ok, error]));
    await expect(sync.execute(() => Promise.reject(new Error('down')))).rejects.toBe(broken);
    const async = fallback({ fallback: () => Promise.reject(broken) });
    async.onFallbackFailed(({ error }) => failures.push(error));
    await expect(async.execute(() => Promise.reject(new Error('down')))).rejects.toBe(broken);
    expect(failures).toEqual([[false, broken], broken]);
    expect(sync.status()).toEqual({ calls: 1, fallbacks: 1, fallbackFailures: 1, aborts: 0 });
  });

  it('a throwing shouldHandle rejects the call with that error (the bug is not swallowed)', async () => {
    const bug = new Error('bug in shouldHandle');
    const policy = fallback({
      fallback: () => 'never',
      shouldHandle: () => {
        throw bug;
      },
    });
    await expect(policy.execute(async () => 1)).rejects.toBe(bug);
    await expect(policy.execute(() => Promise.reject(new Error('down')))).rejects.toBe(bug);
  });

  it('an already-aborted signal rejects at once with its reason, without calling fn', async () => {
    let ran = false;
    let fellBack = false;
    const policy = fallback({
      fallback: () => {
        fellBack = true;
      },
    });
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(
      policy.execute(
        () => {
          ran = true;
        },
        { signal: controller.signal },
      ),
    ).rejects.toBe(reason);
    expect([ran, fellBack]).toEqual([false, false]);
    expect(policy.status().calls).toBe(0);
  });

  it('a failure after the caller aborted rejects with the signal’s reason: no fallback, no shouldHandle', async () => {
    let judged = 0;
    let fellBack = 0;
    const policy = fallback({
      fallback: () => fellBack++,
      shouldHandle: () => {
        judged++;
        return true;
      },
    });
    const controller = new AbortController();
    const reason = new Error('user left');
    const call = policy.execute(
      ({ signal }) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      { signal: controller.signal },
    );
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect([judged, fellBack]).toEqual([0, 0]);
    expect(policy.status()).toMatchObject({ calls: 1, aborts: 1, fallbacks: 0 });
  });

  it('a value that arrives after an abort is still the work’s answer', async () => {
    const controller = new AbortController();
    const policy = fallback({ fallback: () => 'fallback', shouldHandle: () => true });
    const call = policy.execute(
      async () => {
        controller.abort();
        return 'finished anyway';
      },
      { signal: controller.signal },
    );
    expect(await call).toBe('finished anyway');
  });

  it('inside a timeout, the deadline is an abort: the timeout’s error, not the fallback', async () => {
    const clock = new ManualClock();
    let fellBack = 0;
    const inner = fallback({ fallback: () => fellBack++ });
    const call = compose(timeout({ ms: 100, clock }), inner).execute(({ signal }) =>
      clock.sleep(1_000, signal).then(() => 'late'),
    );
    const settled = call.catch((error: unknown) => error);
    await clock.advance(100);
    expect(isTimeoutError(await settled)).toBe(true);
    await flushMicrotasks();
    expect(fellBack).toBe(0);
    expect(inner.status().aborts).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('outside a timeout, the deadline is a failure it answers', async () => {
    const clock = new ManualClock();
    const call = compose(
      fallback({ fallback: (outcome) => (isTimeoutError((outcome as { error: unknown }).error) ? 'slow' : 'other') }),
      timeout({ ms: 100, clock }),
    ).execute(({ signal }) => clock.sleep(1_000, signal).then(() => 'late'));
    await clock.advance(100);
    expect(await call).toBe('slow');
    expect(clock.pending).toBe(0);
  });

  it('listeners that throw never break the policy', async () => {
    const policy = fallback({
      fallback: (): never => {
        throw new Error('no fallback either');
      },
    });
    const bugs = [new Error('listener 1'), new Error('listener 2')];
    policy.onFallback(() => {
      throw bugs[0];
    });
    policy.onFallbackFailed(() => {
      throw bugs[1];
    });
    let error: unknown;
    const seen = await uncaught(async () => {
      error = await policy.execute(() => Promise.reject(new Error('down'))).catch((e: unknown) => e);
    });
    expect(error).toEqual(new Error('no fallback either'));
    expect(seen).toEqual(bugs);
    expect(policy.status()).toMatchObject({ fallbacks: 1, fallbackFailures: 1 });
  });

  it('events carry the outcome, and disposers stop them', async () => {
    const policy = fallback({ fallback: () => 0 });
    const outcomes: Outcome<unknown>[] = [];
    const off = policy.onFallback(({ outcome }) => outcomes.push(outcome));
    const down = new Error('down');
    await policy.execute(() => Promise.reject(down));
    off.dispose();
    await policy.execute(() => Promise.reject(down));
    expect(outcomes).toEqual([{ ok: false, error: down }]);
  });

  it('status() survives a JSON round trip unchanged', async () => {
    const policy = fallback({ fallback: () => 0 });
    expect(JSON.parse(JSON.stringify(policy.status()))).toEqual(policy.status());
    await policy.execute(() => Promise.reject(new Error('down')));
    const status = policy.status();
    expect(JSON.parse(JSON.stringify(status))).toEqual(status);
  });

  it('refuses bad options with a ConfigError naming the option', () => {
    const lying = { toString: () => 'a function, honest' };
    expect(() => fallback(undefined as never)).toThrow('fallback: "fallback" must be a function; received undefined');
    expect(() => fallback({ fallback: lying as never })).toThrow(
      'fallback: "fallback" must be a function; received an object (Object)',
    );
    expect(() => fallback({ fallback: () => 1, shouldHandle: true as never })).toThrow(
      '"shouldHandle" must be a function',
    );
    expect(() => fallback({ fallback: () => 1, value: 1 } as never)).toThrow(
      '"value" must be one of the known options',
    );
    let error: unknown;
    try {
      fallback('nope' as never);
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ owner: 'fallback', option: 'options', value: 'nope' });
  });
});
