import { getEventListeners } from 'node:events';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { type Client, createClient } from '@sentinel/client';
import { isConfigError, isRejectedError } from '@sentinel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPoolClosedError, isQueueFullError } from '../errors.ts';
import { deferred, ioResources, ManualClock, outcome, uncaught, until } from '../test-support/resources.ts';
import { createWorkerPool } from './create-worker-pool.ts';
import type { TaskEndEvent, WorkerErrorEvent } from './events.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer();
});
afterEach(async () => {
  await server.close();
});

describe('createWorkerPool: isolation', () => {
  it('gives every worker its own client and never runs two tasks on one worker at once (200 concurrent callers)', async () => {
    const pool = await createWorkerPool({
      workers: 8,
      setup: () => ({ client: createClient({ baseUrl: server.url }) }),
    });
    const clients = new Set<Client>();
    const inside = new Array<number>(8).fill(0);
    const most = new Array<number>(8).fill(0);
    const calls = Array.from({ length: 200 }, (_, i) =>
      pool.run(async ({ client }, ctx) => {
        clients.add(client);
        inside[ctx.workerIndex] = (inside[ctx.workerIndex] as number) + 1;
        most[ctx.workerIndex] = Math.max(most[ctx.workerIndex] as number, inside[ctx.workerIndex] as number);
        try {
          const response = await client.get(`/item/${i}`, { signal: ctx.signal });
          return (await response.json()) as { url: string };
        } finally {
          inside[ctx.workerIndex] = (inside[ctx.workerIndex] as number) - 1;
        }
      }),
    );
    const results = await Promise.all(calls);
    expect(results.map((r) => r.url)).toEqual(Array.from({ length: 200 }, (_, i) => `/item/${i}`));
    expect(clients.size).toBe(8);
    expect(most).toEqual(new Array(8).fill(1));
    const stats = pool.stats();
    expect(stats.workers.map((w) => w.tasks).reduce((a, b) => a + b)).toBe(200);
    // Round-robin over idle workers: every worker took part.
    expect(stats.workers.every((w) => w.tasks > 0)).toBe(true);
    await pool.close();
  });

  it('runs queued tasks in FIFO order', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const gate = deferred();
    const order: number[] = [];
    const first = pool.run(() => gate.promise);
    const rest = Array.from({ length: 5 }, (_, i) => pool.run(() => order.push(i)));
    expect(pool.stats().queued).toBe(5);
    gate.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    await pool.close();
  });
});

describe('pool.run: the gateway', () => {
  it('refuses at once over maxQueue, accepting exactly maxQueue waiters (first and last entry)', async () => {
    const pool = await createWorkerPool({ workers: 1, maxQueue: 2, setup: () => ({}) });
    const gate = deferred();
    const running = pool.run(() => gate.promise);
    const queued = [pool.run(() => 'a'), pool.run(() => 'b')];
    const refused = await outcome(pool.run(() => 'c'));
    expect(refused.ok).toBe(false);
    const error = (refused as { error: unknown }).error;
    expect(isQueueFullError(error) && isRejectedError(error)).toBe(true);
    expect(error).toMatchObject({ maxQueue: 2 });
    gate.resolve();
    expect(await Promise.all([running, ...queued])).toEqual([undefined, 'a', 'b']);
    expect(pool.stats()).toMatchObject({ completed: 3, failed: 0, rejected: 1, queued: 0 });
    await pool.close();
  });

  it('maxQueue 0 runs a task when a worker is free and refuses it when none is', async () => {
    const pool = await createWorkerPool({ workers: 1, maxQueue: 0, setup: () => ({}) });
    expect(await pool.run(() => 1)).toBe(1);
    const gate = deferred();
    const busy = pool.run(() => gate.promise);
    await expect(pool.run(() => 2)).rejects.toSatisfy(isQueueFullError);
    gate.resolve();
    await busy;
    await pool.close();
  });

  it('settles every accepted task exactly once, whatever the task does', async () => {
    const pool = await createWorkerPool({ workers: 3, maxQueue: 50, setup: () => ({}) });
    const behaviours = [
      () => 'sync value',
      () => {
        throw new Error('sync throw');
      },
      async () => 'async value',
      async () => {
        throw new Error('async throw');
      },
      // A thenable that calls back twice must still settle once.
      () => ({
        // biome-ignore lint/suspicious/noThenProperty: a misbehaving thenable is the point
        then(onOk: (v: string) => void, onErr: (e: unknown) => void) {
          onOk('first');
          onOk('second');
          onErr(new Error('late'));
        },
      }),
    ];
    const settles = new Array<number>(50).fill(0);
    const calls = Array.from({ length: 50 }, (_, i) =>
      pool.run(behaviours[i % behaviours.length] as () => unknown).then(
        (value) => {
          settles[i] = (settles[i] as number) + 1;
          return value;
        },
        (error: Error) => {
          settles[i] = (settles[i] as number) + 1;
          return error.message;
        },
      ),
    );
    const values = await Promise.all(calls);
    expect(settles).toEqual(new Array(50).fill(1));
    expect(values.slice(0, 5)).toEqual(['sync value', 'sync throw', 'async value', 'async throw', 'first']);
    expect(pool.stats()).toMatchObject({ completed: 30, failed: 20, running: 0, queued: 0 });
    await pool.close();
  });

  it('an already-aborted signal rejects with its reason without running', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const reason = new Error('stop');
    let ran = false;
    await expect(pool.run(() => (ran = true), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(ran).toBe(false);
    expect(pool.stats()).toMatchObject({ rejected: 1, completed: 0 });
    await pool.close();
  });

  it('an abort while queued removes the task, rejects with the reason and leaves no listener', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const gate = deferred();
    const busy = pool.run(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const queued = pool.run(() => (ran = true), { signal: controller.signal });
    const after = pool.run(() => 'after');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort('gone');
    await expect(queued).rejects.toBe('gone');
    expect(pool.stats().queued).toBe(1);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    gate.resolve();
    expect(await after).toBe('after');
    await busy;
    expect(ran).toBe(false);
    expect(pool.stats()).toMatchObject({ rejected: 1, completed: 2 });
    await pool.close();
  });

  it('an abort while running rejects at once, aborts ctx.signal, and keeps the worker busy until the task settles', async () => {
    const clock = new ManualClock();
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}), clock });
    const ends: TaskEndEvent[] = [];
    pool.onTaskEnd((event) => ends.push(event));
    const controller = new AbortController();
    const release = deferred();
    let seen: AbortSignal | undefined;
    const running = pool.run(
      async (_w, ctx) => {
        seen = ctx.signal;
        await release.promise; // ignores the abort for a while, as real I/O may
        return 'late value';
      },
      { signal: controller.signal },
    );
    const next = pool.run(() => 'next');
    await clock.advance(5);
    controller.abort('caller gave up');
    await expect(running).rejects.toBe('caller gave up');
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBe('caller gave up');
    expect(pool.stats()).toMatchObject({ running: 1, queued: 1 });
    expect(pool.stats().workers[0]?.busy).toBe(true);
    await clock.advance(10);
    release.resolve();
    expect(await next).toBe('next');
    expect(ends[0]).toEqual({ workerIndex: 0, ok: false, waitMs: 0, runMs: 15, error: 'caller gave up' });
    expect(pool.stats()).toMatchObject({ failed: 1, completed: 1, rejected: 0 });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await pool.close();
  });

  it('ctx.signal is aborted when read after the abort too', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const controller = new AbortController();
    const release = deferred();
    let readLater: (() => AbortSignal) | undefined;
    const running = pool.run(
      async (_w, ctx) => {
        readLater = () => ctx.signal;
        await release.promise;
      },
      { signal: controller.signal },
    );
    controller.abort('why');
    await expect(running).rejects.toBe('why');
    expect(readLater?.().aborted).toBe(true);
    release.resolve();
    await pool.close();
  });

  it('reports wait and run times from the injected clock', async () => {
    const clock = new ManualClock();
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}), clock });
    const ends: TaskEndEvent[] = [];
    pool.onTaskEnd((event) => ends.push(event));
    const first = pool.run(() => clock.sleep(40));
    const second = pool.run(() => clock.sleep(10));
    await clock.advance(40);
    await first;
    await clock.advance(10);
    await second;
    expect(ends.map(({ waitMs, runMs, ok }) => ({ waitMs, runMs, ok }))).toEqual([
      { waitMs: 0, runMs: 40, ok: true },
      { waitMs: 40, runMs: 10, ok: true },
    ]);
    const stats = pool.stats();
    expect(stats.waitMs).toEqual({ p50: 0, p99: 40, max: 40 });
    expect(stats.runMs.max).toBe(40);
    // The pool's histograms have buckets at most 0.8 % wide (the max is exact).
    expect(Math.abs(stats.runMs.p50 - 10)).toBeLessThanOrEqual(0.1);
    await pool.close();
  });

  it('runs 10,000 queued synchronous tasks without growing the stack', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const gate = deferred();
    const first = pool.run(() => gate.promise);
    const calls = Array.from({ length: 10_000 }, (_, i) => pool.run(() => i));
    gate.resolve();
    await first;
    expect((await Promise.all(calls)).at(-1)).toBe(9_999);
    await pool.close();
  });

  it('a throwing onTaskEnd listener does not break the pool', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    pool.onTaskEnd(() => {
      throw new Error('listener bug');
    });
    const seen: boolean[] = [];
    pool.onTaskEnd((event) => seen.push(event.ok));
    const errors = await uncaught(async () => {
      expect(await pool.run(() => 1)).toBe(1);
      expect(await pool.run(() => 2)).toBe(2);
    });
    expect(seen).toEqual([true, true]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener bug', 'listener bug']);
    await pool.close();
  });
});

describe('pool.stats()', () => {
  it('is plain JSON with each worker client.status()', async () => {
    const pool = await createWorkerPool({
      workers: 2,
      setup: () => ({ client: createClient({ baseUrl: server.url }) }),
    });
    await pool.run(async ({ client }) => (await client.get('/a')).text());
    const stats = pool.stats();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(stats.workers[0]).toMatchObject({ index: 0, busy: false, tasks: 1, succeeded: 1, failed: 0 });
    expect(stats.workers[0]?.status).toMatchObject({ requests: 1, attempts: 1, closed: false });
    expect(stats.workers[1]?.status).toMatchObject({ requests: 0 });
    expect(stats).toMatchObject({ queued: 0, running: 0, completed: 1, failed: 0, rejected: 0, closed: false });
    await pool.close();
    expect(pool.stats().workers[0]?.status).toMatchObject({ closed: true });
  });

  it('reports a worker without a client as null, its own status() when it has one, and a throwing status() as an error', async () => {
    const pool = await createWorkerPool({
      workers: 3,
      setup: (index) =>
        index === 0
          ? { n: 1 }
          : index === 1
            ? { status: () => ({ mine: true }) }
            : {
                status: () => {
                  throw new Error('broken');
                },
              },
    });
    expect(pool.stats().workers.map((w) => w.status)).toEqual([null, { mine: true }, { error: 'broken' }]);
    await pool.close();
  });
});

describe('pool.close()', () => {
  it('rejects queued tasks, lets running ones finish, then tears down; later runs are refused', async () => {
    const torn: number[] = [];
    const pool = await createWorkerPool({
      workers: 2,
      setup: (index) => ({ index }),
      teardown: (worker) => {
        torn.push(worker.index);
      },
    });
    const gates = [deferred<string>(), deferred<string>()];
    const running = gates.map((gate) => pool.run(() => gate.promise));
    const queued = [outcome(pool.run(() => 'never')), outcome(pool.run(() => 'never'))];
    const closing = pool.close();
    expect(pool.close()).toBe(closing);
    for (const result of await Promise.all(queued)) {
      expect(result.ok).toBe(false);
      expect(isPoolClosedError((result as { error: unknown }).error)).toBe(true);
    }
    await expect(pool.run(() => 'late')).rejects.toSatisfy(isPoolClosedError);
    expect(torn).toEqual([]);
    gates[0]?.resolve('a');
    gates[1]?.resolve('b');
    expect(await Promise.all(running)).toEqual(['a', 'b']);
    await closing;
    expect(torn.sort()).toEqual([0, 1]);
    expect(pool.stats()).toMatchObject({ closed: true, completed: 2, rejected: 3, running: 0 });
  });

  it('a close() signal aborts running tasks (their callers hear its reason) and teardown waits until they settle', async () => {
    let tornDown = false;
    const pool = await createWorkerPool({
      workers: 1,
      setup: () => ({}),
      teardown: () => {
        tornDown = true;
      },
    });
    const release = deferred();
    let signal: AbortSignal | undefined;
    const running = pool.run(async (_w, ctx) => {
      signal = ctx.signal;
      await release.promise;
    });
    const controller = new AbortController();
    const closing = pool.close({ signal: controller.signal });
    controller.abort(new Error('shutdown now'));
    await expect(running).rejects.toThrow('shutdown now');
    expect(signal?.aborted).toBe(true);
    expect(tornDown).toBe(false);
    release.resolve();
    await closing;
    expect(tornDown).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('a later close() with an already-aborted signal forces a close already waiting', async () => {
    const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
    const running = pool.run((_w, ctx) => new Promise((_, reject) => ctx.signal.addEventListener('abort', reject)));
    const first = pool.close();
    const second = pool.close({ signal: AbortSignal.abort('now') });
    expect(second).toBe(first);
    await expect(running).rejects.toBe('now');
    await first;
  });

  it('closes every client: no socket or timer is left, and the server saw every request once', async () => {
    const before = ioResources();
    const pool = await createWorkerPool({
      workers: 4,
      setup: () => ({ client: createClient({ baseUrl: server.url }) }),
    });
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => pool.run(async ({ client }) => (await client.get(`/x${i}`)).text())),
    );
    expect(ioResources().sockets).toBeGreaterThan(before.sockets);
    await pool.close();
    await until(() => ioResources().sockets <= before.sockets);
    expect(ioResources().timers).toBeLessThanOrEqual(before.timers);
    expect(server.stats().requests).toBe(40);
  });

  it('reports teardown failures as onWorkerError and rejects after tearing every worker down', async () => {
    const torn: number[] = [];
    const pool = await createWorkerPool({
      workers: 3,
      setup: (index) => ({ index }),
      teardown: ({ index }) => {
        torn.push(index);
        if (index !== 1) throw new Error(`teardown ${index}`);
      },
    });
    const errors: WorkerErrorEvent[] = [];
    pool.onWorkerError((event) => errors.push(event));
    const error = await pool.close().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AggregateError);
    expect((error as AggregateError).errors.map((e: Error) => e.message)).toEqual(['teardown 0', 'teardown 2']);
    expect(torn.sort()).toEqual([0, 1, 2]);
    expect(errors.map((e) => [e.workerIndex, e.phase])).toEqual([
      [0, 'teardown'],
      [2, 'teardown'],
    ]);
  });

  it('by default closes the worker state itself, or each closeable property of it', async () => {
    const closed: string[] = [];
    const closeable = (name: string) => ({ close: async () => void closed.push(name) });
    const disposable = (name: string) => ({ [Symbol.asyncDispose]: async () => void closed.push(name) });
    const pool = await createWorkerPool({
      workers: 3,
      setup: (index) =>
        index === 0
          ? closeable('self')
          : index === 1
            ? { a: closeable('a'), b: disposable('b'), plain: 1, none: null }
            : 'just a string',
    });
    await pool[Symbol.asyncDispose]();
    expect(closed.sort()).toEqual(['a', 'b', 'self']);
  });
});

describe('createWorkerPool: setup', () => {
  it('tears down the workers already built and rejects with the setup error, signalling the others', async () => {
    const torn: number[] = [];
    let signalled: AbortSignal | undefined;
    const failure = new Error('setup 2 failed');
    const gate = deferred();
    const creating = createWorkerPool({
      workers: 4,
      setup: async (index, { signal }) => {
        if (index === 2) {
          await gate.promise;
          throw failure;
        }
        if (index === 3) {
          signalled = signal;
          await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        }
        return { index };
      },
      teardown: ({ index }) => {
        torn.push(index);
      },
    });
    gate.resolve();
    await expect(creating).rejects.toBe(failure);
    expect(signalled?.aborted).toBe(true);
    expect(torn.sort()).toEqual([0, 1]);
  });
});

describe('bad input', () => {
  const setup = () => ({});
  it.each([
    ['workers', { workers: 0, setup }, 'an integer between 1 and 1000000'],
    ['workers', { workers: 1.5, setup }, 'an integer'],
    ['workers', { workers: '4', setup }, 'received "4"'],
    ['workers', { workers: Number.NaN, setup }, 'received NaN'],
    ['workers', { workers: { valueOf: (): number => 4, toString: (): string => '4' }, setup }, 'received an object'],
    ['maxQueue', { workers: 1, setup, maxQueue: -1 }, '>= 0'],
    ['setup', { workers: 1 }, 'a function'],
    ['teardown', { workers: 1, setup, teardown: 'close' }, 'a function'],
    ['clock', { workers: 1, setup, clock: {} }, 'a Clock'],
    ['colour', { workers: 1, setup, colour: 'red' }, 'known options'],
  ])('rejects a bad %s with a ConfigError naming it', async (option, options, expected) => {
    const error = await createWorkerPool(options as never).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(`createWorkerPool: "${option}"`);
    expect((error as Error).message).toContain(expected);
  });

  it('rejects createWorkerPool() without options', async () => {
    await expect(createWorkerPool(undefined as never)).rejects.toSatisfy(isConfigError);
  });

  it('run() rejects a task that is not a function, or a bad signal, with a ConfigError', async () => {
    const pool = await createWorkerPool({ workers: 1, setup });
    await expect(pool.run('not a function' as never)).rejects.toThrow(/pool.run: "task" must be a function/);
    await expect(pool.run(() => 1, { signal: 'soon' as never })).rejects.toThrow(
      /pool.run: "signal" must be an AbortSignal/,
    );
    await expect(pool.run(() => 1, { timeout: 5 } as never)).rejects.toSatisfy(isConfigError);
    await expect(pool.close({ signal: 1 as never })).rejects.toThrow(/pool.close: "signal"/);
    await pool.close();
  });
});
