import { getEventListeners } from 'node:events';
import { constant, retry } from '@sentinel/backoff';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { createClient } from '@sentinel/client';
import { isConfigError } from '@sentinel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPoolClosedError } from '../errors.ts';
import { deferred, ManualClock } from '../test-support/resources.ts';
import type { WorkerPool } from './api.ts';
import { createWorkerPool } from './create-worker-pool.ts';
import type { MapResult } from './map-results.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 42 });
});
afterEach(async () => {
  await server.close();
});

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of iterable) all.push(value);
  return all;
}

function* counting(limit: number, seen: { pulled: number; closed: boolean }): Generator<number> {
  try {
    for (let i = 0; i < limit; i++) {
      seen.pulled++;
      yield i;
    }
  } finally {
    seen.closed = true;
  }
}

describe('pool.map: the scraper', () => {
  it('10,000 URLs through 8 workers at 10 % transient faults (5 attempts): one result per URL, >= 99.9 % ok', async () => {
    server.setFaults([
      { type: 'status', status: 503, rate: 0.05 },
      { type: 'reset-before-headers', rate: 0.05 },
    ]);
    const pool = await createWorkerPool({
      workers: 8,
      setup: () => ({
        client: createClient({ baseUrl: server.url, retry: retry({ maxAttempts: 5, backoff: constant(0) }) }),
      }),
    });
    function* urls() {
      for (let i = 0; i < 10_000; i++) yield `/page/${i}`;
    }
    const seen = new Set<number>();
    let ok = 0;
    for await (const result of pool.map(urls(), async (url, { client }, ctx) => {
      const response = await client.get(url, { signal: ctx.signal });
      return ((await response.json()) as { url: string }).url;
    })) {
      expect(seen.has(result.index)).toBe(false);
      seen.add(result.index);
      if (result.ok) {
        expect(result.value).toBe(result.item);
        ok++;
      }
    }
    expect(seen.size).toBe(10_000);
    expect(ok / 10_000).toBeGreaterThanOrEqual(0.999);
    const attempts = pool.stats().workers.reduce((sum, w) => sum + (w.status as { attempts: number }).attempts, 0);
    expect(attempts).toBe(server.stats().requests);
    expect(attempts).toBeGreaterThan(10_000); // faults really happened and were retried
    await pool.close();
  }, 300_000);

  it('pulls a 1,000,000-item generator no further than the results taken plus 2 × workers, and closes it on break', async () => {
    const pool = await createWorkerPool({ workers: 4, setup: () => ({}) });
    const seen = { pulled: 0, closed: false };
    let taken = 0;
    let most = 0;
    for await (const result of pool.map(counting(1_000_000, seen), async (n) => n * 2)) {
      taken++;
      most = Math.max(most, seen.pulled - taken);
      expect(result.ok).toBe(true);
      if (taken === 1_000) break;
    }
    expect(most).toBeLessThanOrEqual(8);
    expect(seen.pulled).toBeLessThanOrEqual(1_000 + 8);
    expect(seen.closed).toBe(true);
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
    await pool.close();
  });

  it('break mid-stream aborts the running items and waits for them to settle', async () => {
    const pool = await createWorkerPool({ workers: 3, setup: () => ({}) });
    const signals: AbortSignal[] = [];
    let settled = 0;
    const iteration = pool.map([0, 1, 2, 3, 4, 5, 6, 7], async (n, _w, ctx) => {
      if (n === 0) return 'fast';
      signals.push(ctx.signal);
      try {
        // Settles only when aborted, after a few more turns, like real I/O being torn down.
        await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      } finally {
        await Promise.resolve();
        settled++;
      }
    });
    for await (const result of iteration) {
      expect(result).toMatchObject({ index: 0, ok: true, value: 'fast' });
      break;
    }
    expect(signals.length).toBeGreaterThan(0);
    expect(signals.every((s) => s.aborted)).toBe(true);
    expect(settled).toBe(signals.length);
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
    expect(await iteration.next()).toEqual({ done: true, value: undefined });
    await pool.close();
  });

  it('ordered: yields in input order; unordered: in completion order', async () => {
    const clock = new ManualClock();
    const pool = await createWorkerPool({ workers: 4, setup: () => ({}), clock });
    const delays = [40, 10, 30, 20];
    const run = async (ordered: boolean) => {
      const order: number[] = [];
      const done = (async () => {
        for await (const r of pool.map(delays, (ms) => clock.sleep(ms).then(() => ms), { ordered })) {
          order.push(r.index);
          expect(r.ms).toBe(r.item);
        }
      })();
      await clock.advance(40);
      await done;
      return order;
    };
    expect(await run(true)).toEqual([0, 1, 2, 3]);
    expect(await run(false)).toEqual([1, 3, 2, 0]);
    await pool.close();
  });

  it('a failing item is a result with ok: false, and the map goes on', async () => {
    const pool = await createWorkerPool({ workers: 2, setup: (index) => ({ index }) });
    const results = await collect(
      pool.map(
        [1, 2, 3, 4],
        (n) => {
          if (n % 2 === 0) throw new Error(`even ${n}`);
          return n;
        },
        { ordered: true },
      ),
    );
    expect(results.map((r) => [r.index, r.ok, r.ok ? r.value : (r.error as Error).message])).toEqual([
      [0, true, 1],
      [1, false, 'even 2'],
      [2, true, 3],
      [3, false, 'even 4'],
    ]);
    expect(results.every((r) => r.workerIndex === 0 || r.workerIndex === 1)).toBe(true);
    await pool.close();
  });

  it('takes async iterables, pulled one at a time', async () => {
    const pool = await createWorkerPool({ workers: 2, setup: () => ({}) });
    let concurrentPulls = 0;
    let most = 0;
    async function* source() {
      for (let i = 0; i < 20; i++) {
        concurrentPulls++;
        most = Math.max(most, concurrentPulls);
        await Promise.resolve();
        concurrentPulls--;
        yield i;
      }
    }
    const results = await collect(pool.map(source(), async (n) => n + 1, { ordered: true }));
    expect(results.map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(most).toBe(1);
    await pool.close();
  });

  it("the source's error is thrown after what had finished is yielded", async () => {
    const pool = await createWorkerPool({ workers: 2, setup: () => ({}) });
    function* broken() {
      yield 1;
      yield 2;
      throw new Error('source broke');
    }
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const r of pool.map(broken(), (n) => n, { ordered: true })) seen.push(r.value as number);
      })(),
    ).rejects.toThrow('source broke');
    expect(seen).toEqual([1, 2]);
    await pool.close();
  });

  it("an abort stops the map: running items are aborted and settled, and the loop throws the signal's reason", async () => {
    const pool = await createWorkerPool({ workers: 2, setup: () => ({}) });
    const controller = new AbortController();
    const seen = { pulled: 0, closed: false };
    const started = deferred();
    const loop = (async () => {
      for await (const _ of pool.map(
        counting(100, seen),
        async (_n, _w, ctx) => {
          started.resolve();
          await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
        },
        { signal: controller.signal },
      )) {
        // nothing finishes before the abort
      }
    })();
    await started.promise;
    controller.abort('enough');
    await expect(loop).rejects.toBe('enough');
    expect(pool.stats()).toMatchObject({ running: 0, queued: 0, failed: 2 });
    expect(seen.closed).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await pool.close();
  });

  it('an already-aborted signal throws at the first step without pulling', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const seen = { pulled: 0, closed: false };
    await expect(collect(pool.map(counting(10, seen), (n) => n, { signal: AbortSignal.abort('pre') }))).rejects.toBe(
      'pre',
    );
    expect(seen.pulled).toBe(0);
    await pool.close();
  });

  it('a closed pool, or one closed during the map, ends it with PoolClosedError after the running items', async () => {
    const pool: WorkerPool<object> = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const gate = deferred();
    const results: MapResult<number, number>[] = [];
    const loop = (async () => {
      for await (const r of pool.map([1, 2, 3], async (n) => {
        if (n === 1) await gate.promise;
        return n;
      }))
        results.push(r);
    })();
    await Promise.resolve();
    const closing = pool.close();
    gate.resolve();
    await expect(loop).rejects.toSatisfy(isPoolClosedError);
    expect(results.map((r) => r.value)).toEqual([1]);
    await closing;
    await expect(collect(pool.map([1], (n) => n))).rejects.toSatisfy(isPoolClosedError);
  });

  it('is never refused by maxQueue: it keeps at most `workers` items in the pool', async () => {
    const pool = await createWorkerPool({ workers: 2, maxQueue: 0, setup: () => ({}) });
    const results = await collect(pool.map([1, 2, 3, 4, 5], async (n) => n));
    expect(results.filter((r) => r.ok)).toHaveLength(5);
    await pool.close();
  });

  it('rejects bad arguments at once with a ConfigError', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    expect(() => pool.map(42 as never, (n) => n)).toThrow(/pool.map: "items" must be an iterable/);
    expect(() => pool.map(null as never, (n) => n)).toThrow(/"items"/);
    expect(() => pool.map([1], 'fn' as never)).toThrow(/pool.map: "fn" must be a function/);
    expect(() => pool.map([1], (n) => n, { ordered: 'yes' as never })).toThrow(/"ordered" must be true or false/);
    let error: unknown;
    try {
      pool.map([1], (n) => n, { signal: {} as never });
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error)).toBe(true);
    await pool.close();
  });
});
