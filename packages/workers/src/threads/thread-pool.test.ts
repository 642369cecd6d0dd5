import { readFileSync } from 'node:fs';
import { isCircuitOpenError } from '@sentinel/breaker';
import { isHttpError } from '@sentinel/client';
import {
  isConfigError,
  isNonRetryable,
  isRejectedError,
  isSentinelError,
  isTimeoutError,
  retryAfterOf,
  TimeoutError,
} from '@sentinel/core';
import { isRateLimitedError } from '@sentinel/ratelimit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPoolClosedError, isQueueFullError } from '../errors.ts';
import type { ThreadPool } from './api.ts';
import { createThreadPool } from './create-thread-pool.ts';
import { createGates, type Gates, openGate, waitWhile } from './fixtures/gates.ts';
import type * as Handlers from './fixtures/handlers.ts';

const handlers = new URL('./fixtures/handlers.ts', import.meta.url);
// Starting a thread loads tsx and the sources: seconds on a busy 2-core machine.
const BOOT = { timeout: 120_000 };
// Threads finishing aborted tasks report back on their own schedule: poll, generously bounded.
const SETTLE = { timeout: 30_000, interval: 20 };

/** OS threads of this process (Linux): each pool thread is one, and must be gone after close. */
function osThreads(): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

/** How many of each kind of handle keeps the process alive (threads' ports, sockets, timers). */
function resourceCounts(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

/** Resolves with what `promise` rejected with (fails the test if it resolved). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('createThreadPool: two threads', { timeout: 60_000 }, () => {
  let pool: ThreadPool<typeof Handlers>;
  let gates: Gates;
  let nextGate = 0;
  const gate = () => nextGate++;

  beforeAll(async () => {
    gates = createGates(64);
    pool = await createThreadPool<typeof Handlers>({ module: handlers, threads: 2, data: { gates, label: 'shared' } });
  }, BOOT.timeout);
  afterAll(() => pool?.close());

  it('each thread ran setup once with its own index and the data; run resolves with the handler result', async () => {
    const [a, b] = [gate(), gate()];
    const held = [pool.run('hold', a), pool.run('hold', b)];
    await waitWhile(gates.entered, a, 0);
    await waitWhile(gates.entered, b, 0);
    expect(pool.stats().workers.map((w) => w.busy)).toEqual([true, true]);
    openGate(gates, a);
    openGate(gates, b);
    const indexes = (await Promise.all(held)).map((r) => r.workerIndex).sort();
    expect(indexes).toEqual([0, 1]);
    const echoed = await pool.run('echo', { n: 1 });
    expect(echoed).toMatchObject({ payload: { n: 1 }, label: 'shared' });
    expect(echoed.setupIndex).toBe(echoed.workerIndex);
  });

  it("an idle thread keeps running its timers (atomics: 'async'), as a client's keep-alive needs", async () => {
    const g = gate();
    expect(await pool.run('later', g)).toBe(g);
    // No task is running now; the mark comes from a timer in an idle thread.
    expect(pool.stats().running).toBe(0);
    await waitWhile(gates.entered, g, 0);
  });

  it('a SentinelError thrown in a thread is still one on the main thread, with every guard, field and cause', async () => {
    const timeout = await rejection(pool.run('fail', 'timeout'));
    expect(timeout).toBeInstanceOf(TimeoutError);
    expect([isTimeoutError(timeout), isSentinelError(timeout), (timeout as TimeoutError).timeoutMs]).toEqual([
      true,
      true,
      50,
    ]);
    expect((timeout as Error).cause).toBeInstanceOf(RangeError);
    expect(((timeout as Error).cause as Error).message).toBe('inner cause');
    expect((timeout as Error).stack).toContain('handlers.ts');

    const config = await rejection(pool.run('fail', 'config'));
    expect(isConfigError(config)).toBe(true);
    expect(config).toMatchObject({ option: 'depth', value: -1, code: 'SENTINEL_CONFIG' });

    const open = await rejection(pool.run('fail', 'circuit'));
    expect([isCircuitOpenError(open), isRejectedError(open), (open as Error).name]).toEqual([
      true,
      true,
      'CircuitOpenError',
    ]);

    const rate = await rejection(pool.run('fail', 'rate'));
    expect([isRateLimitedError(rate), retryAfterOf(rate), (rate as { reason: string }).reason]).toEqual([
      true,
      250,
      'empty',
    ]);

    const http = await rejection(pool.run('fail', 'http'));
    expect(isHttpError(http)).toBe(true);
    expect(http).toMatchObject({ status: 503, headers: { 'retry-after': '1' }, attempts: 3, name: 'HttpError' });
  });

  it('other errors keep their class, code, own fields and cause; uncloneable fields are left out', async () => {
    const plain = (await rejection(pool.run('fail', 'plain'))) as Error & Record<string, unknown>;
    expect(plain).toMatchObject({ message: 'plain failure', code: 'E_PLAIN', cause: 'a string cause' });
    expect(plain.details).toEqual({ rows: [1, 2], when: new Date(0) });
    expect('callback' in plain).toBe(false);
    const bad = await rejection(pool.run('fail', 'non-retryable'));
    expect(bad).toBeInstanceOf(TypeError);
    expect(isNonRetryable(bad)).toBe(true);
    const aggregate = (await rejection(pool.run('fail', 'aggregate'))) as AggregateError;
    expect(aggregate).toBeInstanceOf(AggregateError);
    expect(isTimeoutError(aggregate.errors[1])).toBe(true);
    expect(await rejection(pool.run('fail', 'string'))).toBe('a thrown string');
    expect(((await rejection(pool.run('fail', 'cycle'))) as Error).message).toBe('cyclic');
  });

  it('transfer moves an ArrayBuffer to the thread instead of copying it', async () => {
    const buffer = new Uint8Array([1, 2, 3]).buffer;
    const result = await pool.run('echo', buffer, { transfer: [buffer] });
    expect(buffer.byteLength).toBe(0); // detached here: it was moved, not copied
    expect(new Uint8Array(result.payload as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('a result that cannot cross fails its task with a TypeError; the thread lives on', async () => {
    const error = await rejection(pool.run('unclonable', undefined));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/returned a function, which cannot be sent to the main thread/);
    expect(pool.stats().crashes).toBe(0);
  });

  it('refuses an unknown handler, a bad signal or transfer with a ConfigError naming the argument', async () => {
    const unknown = await rejection(pool.run('nope' as 'echo', 1));
    expect(isConfigError(unknown)).toBe(true);
    expect((unknown as Error).message).toMatch(
      /threadPool\.run: "name" must be the name of a handler .*echo.*; received "nope"/,
    );
    expect(await rejection(pool.run('setup' as 'echo', 1))).toMatchObject({ option: 'name' });
    expect(await rejection(pool.run('echo', 1, { signal: {} as AbortSignal }))).toMatchObject({ option: 'signal' });
    expect(await rejection(pool.run('echo', 1, { transfer: 'x' as never }))).toMatchObject({ option: 'transfer' });
    expect(await rejection(pool.run('echo', 1, { nope: 1 } as never))).toMatchObject({ option: 'nope' });
    expect(() => pool.map('nope' as 'echo', [1])).toThrow(/"name"/);
    expect(() => pool.map('echo', 5 as never)).toThrow(/"items" must be an iterable/);
  });

  it('an already-aborted signal rejects at once with its reason, without running', async () => {
    const before = pool.stats();
    const reason = new Error('caller gave up');
    const error = await rejection(pool.run('echo', 1, { signal: AbortSignal.abort(reason) }));
    expect(error).toBe(reason);
    const after = pool.stats();
    expect([after.completed - before.completed, after.rejected - before.rejected]).toEqual([0, 1]);
  });

  it('an abort while queued removes the task; an abort while running rejects at once and aborts ctx.signal', async () => {
    const [a, b] = [gate(), gate()];
    const controller = new AbortController();
    const running = pool.run('hold', a, { signal: controller.signal });
    const other = pool.run('hold', b);
    await waitWhile(gates.entered, a, 0);
    await waitWhile(gates.entered, b, 0);
    const queuedController = new AbortController();
    const queued = pool.run('echo', 'never runs', { signal: queuedController.signal });
    expect(pool.stats().queued).toBe(1);
    const before = pool.stats();
    queuedController.abort(new Error('not needed'));
    expect(((await rejection(queued)) as Error).message).toBe('not needed');
    expect(pool.stats()).toMatchObject({ queued: 0, rejected: before.rejected + 1 });

    const reason = new TimeoutError(123);
    controller.abort(reason);
    // Rejected while the handler still waits at its gate: `run` does not wait for the thread.
    expect(await rejection(running)).toBe(reason);
    await waitWhile(gates.aborted, a, 0);
    expect(Atomics.load(gates.aborted, a)).toBe(123); // ctx.signal's reason crossed as a TimeoutError
    expect(pool.stats().running).toBe(2); // the thread stays busy until the handler returns
    openGate(gates, a);
    openGate(gates, b);
    await other;
    await expect.poll(() => pool.stats().running, SETTLE).toBe(0);
    // The aborted task counts as failed (its caller was told so), the other as completed.
    const after = pool.stats();
    expect([after.completed - before.completed, after.failed - before.failed]).toEqual([1, 1]);
  });

  it('map pulls lazily: a million-item generator is read no further than the results taken plus 4', async () => {
    let pulled = 0;
    let closed = false;
    function* numbers() {
      try {
        for (let i = 0; i < 1_000_000; i++) {
          pulled++;
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const seen: number[] = [];
    for await (const result of pool.map('echo', numbers())) {
      expect(result.ok).toBe(true);
      seen.push(result.index);
      expect(result.value?.payload).toBe(result.index);
      expect(pulled).toBeLessThanOrEqual(seen.length + 4);
      if (seen.length === 50) break;
    }
    expect(closed).toBe(true);
    expect(pulled).toBeLessThanOrEqual(54);
    // The tasks in flight at the break were aborted; their threads finish them, then go idle.
    await expect.poll(() => pool.stats(), SETTLE).toMatchObject({ queued: 0, running: 0 });
  });

  it('map yields in completion order, or in input order with ordered: true', async () => {
    const [a1, b1, a2, b2] = [gate(), gate(), gate(), gate()];
    const loose = pool.map('hold', [a1, b1])[Symbol.asyncIterator]();
    const first = loose.next();
    await waitWhile(gates.entered, b1, 0);
    openGate(gates, b1);
    expect((await first).value).toMatchObject({ index: 1, item: b1, ok: true });
    openGate(gates, a1);
    expect((await loose.next()).value).toMatchObject({ index: 0, item: a1 });
    expect((await loose.next()).done).toBe(true);

    const ordered = pool.map('hold', [a2, b2], { ordered: true })[Symbol.asyncIterator]();
    const head = ordered.next();
    await waitWhile(gates.entered, b2, 0);
    const secondDone = new Promise<void>((resolve) => {
      const off = pool.onTaskEnd(() => {
        off.dispose();
        resolve();
      });
    });
    openGate(gates, b2);
    await secondDone; // item 1 finished first, and waits behind item 0
    openGate(gates, a2);
    expect((await head).value).toMatchObject({ index: 0, item: a2 });
    expect((await ordered.next()).value).toMatchObject({ index: 1, item: b2 });
  });

  it('leaving a map early aborts the tasks in flight and settles them', async () => {
    const [done, x, y] = [gate(), gate(), gate()];
    openGate(gates, done);
    for await (const result of pool.map('hold', [done, x, y])) {
      expect(result.item).toBe(done);
      await waitWhile(gates.entered, x, 0);
      await waitWhile(gates.entered, y, 0);
      break;
    }
    // Both in-flight handlers saw their ctx.signal abort (not a TimeoutError reason: -1).
    await waitWhile(gates.aborted, x, 0);
    await waitWhile(gates.aborted, y, 0);
    expect([Atomics.load(gates.aborted, x), Atomics.load(gates.aborted, y)]).toEqual([-1, -1]);
    openGate(gates, x);
    openGate(gates, y);
    await expect.poll(() => pool.stats().running, SETTLE).toBe(0);
  });

  it("map stops on its signal and on a failing source, with the reason or the source's error", async () => {
    const controller = new AbortController();
    const reason = new Error('enough');
    const results: unknown[] = [];
    const aborted = (async () => {
      for await (const result of pool.map('echo', [1, 2, 3, 4, 5, 6], { signal: controller.signal })) {
        results.push(result);
        controller.abort(reason);
      }
    })();
    expect(await rejection(aborted)).toBe(reason);
    expect(results).toHaveLength(1);

    function* failing() {
      yield 1;
      throw new Error('source broke');
    }
    const broken = (async () => {
      for await (const _ of pool.map('echo', failing()));
    })();
    expect(((await rejection(broken)) as Error).message).toBe('source broke');
  });

  it('each item gets one result, failures included, with the thread that ran it', async () => {
    const results = [];
    for await (const result of pool.map('fail', ['rate', 'timeout'], { ordered: true })) results.push(result);
    expect(results.map((r) => [r.index, r.ok, isRejectedError(r.error), r.workerIndex >= 0])).toEqual([
      [0, false, true, true],
      [1, false, false, true],
    ]);
  });

  it('stats() is plain JSON with per-thread counts and the thread client status', async () => {
    await pool.run('echo', 'status');
    const stats = pool.stats();
    expect(JSON.parse(JSON.stringify(stats))).toEqual(stats);
    expect(stats.workers.map((w) => w.index)).toEqual([0, 1]);
    const sum = (key: 'tasks' | 'succeeded' | 'failed') => stats.workers.reduce((n, w) => n + w[key], 0);
    expect([sum('succeeded'), sum('failed')]).toEqual([stats.completed, stats.failed]);
    // Tasks skipped on a thread (aborted before they began there) count as started but rejected.
    expect(sum('tasks')).toBeGreaterThanOrEqual(stats.completed + stats.failed);
    expect(stats.closed).toBe(false);
    expect(stats.failed).toBeGreaterThan(0);
    expect(stats.workers.some((w) => (w.status as { tasks: number } | undefined)?.tasks !== undefined)).toBe(true);
    for (const latency of [stats.waitMs, stats.runMs]) {
      expect(latency.p50).toBeLessThanOrEqual(latency.p99);
      expect(latency.p99).toBeLessThanOrEqual(latency.max);
    }
  });
});

describe('createThreadPool: one thread, maxQueue 1', () => {
  it(
    'refuses over maxQueue at once, runs FIFO, and close rejects the queued task but lets the running one finish',
    BOOT,
    async () => {
      const baseline = resourceCounts();
      const threadsBefore = osThreads();
      const gates = createGates(8);
      const pool = await createThreadPool<typeof Handlers>({
        module: handlers.href,
        threads: 1,
        maxQueue: 1,
        data: { gates, label: 'one' },
      });
      expect(osThreads()).toBeGreaterThan(threadsBefore);
      const order: string[] = [];
      const first = pool.run('hold', 0).then(() => order.push('first'));
      await waitWhile(gates.entered, 0, 0);
      const second = pool.run('echo', 'second').then(() => order.push('second'));
      const third = await rejection(pool.run('echo', 'third'));
      expect(isQueueFullError(third)).toBe(true);
      expect(third).toMatchObject({ maxQueue: 1 });
      openGate(gates, 0);
      await Promise.all([first, second]);
      expect(order).toEqual(['first', 'second']);

      const running = pool.run('hold', 1);
      await waitWhile(gates.entered, 1, 0);
      const queued = pool.run('echo', 'queued');
      let pulled = 0;
      const endless = (function* () {
        for (;;) yield `item ${pulled++}`;
      })();
      const mapping = (async () => {
        for await (const _ of pool.map('echo', endless));
      })();
      const closing = pool.close();
      // A map over a closing pool ends with PoolClosedError instead of failing item after item;
      // its items bypass maxQueue (the map bounds itself), and were rejected as queued.
      expect(isPoolClosedError(await rejection(mapping))).toBe(true);
      expect(pulled).toBeLessThanOrEqual(3);
      expect(pool.close()).toBe(closing);
      expect(isPoolClosedError(await rejection(queued))).toBe(true);
      expect(isPoolClosedError(await rejection(pool.run('echo', 'late')))).toBe(true);
      openGate(gates, 1);
      expect(await running).toMatchObject({ gate: 1, aborted: false });
      await closing;
      expect(pool.stats()).toMatchObject({ running: 0, queued: 0, completed: 3, closed: true });
      // Threads terminated, ports and channels closed: nothing the pool made is still alive.
      const after = resourceCounts();
      const grown = [...after].filter(([kind, count]) => count > (baseline.get(kind) ?? 0));
      expect(grown).toEqual([]);
      expect(osThreads()).toBeLessThanOrEqual(threadsBefore);
    },
  );

  it(
    "atomics: 'sync' runs setup before an idle thread blocks; maxQueue 0 admits only what runs at once",
    BOOT,
    async () => {
      const gates = createGates(1);
      const pool = await createThreadPool<typeof Handlers>({
        module: handlers,
        threads: 1,
        atomics: 'sync',
        maxQueue: 0,
        data: { gates, label: 'sync' },
      });
      expect(await pool.run('echo', 1)).toMatchObject({ payload: 1, label: 'sync', setupIndex: 0 });
      const held = pool.run('hold', 0);
      await waitWhile(gates.entered, 0, 0);
      expect(isQueueFullError(await rejection(pool.run('echo', 2)))).toBe(true);
      openGate(gates, 0);
      await held;
      await pool.close();
    },
  );

  it(
    "close's signal stops waiting: running tasks reject with the reason and their threads are terminated",
    BOOT,
    async () => {
      const gates = createGates(4);
      const pool = await createThreadPool<typeof Handlers>({
        module: handlers,
        threads: 1,
        data: { gates, label: 'x' },
      });
      const running = pool.run('hold', 0);
      await waitWhile(gates.entered, 0, 0);
      const controller = new AbortController();
      const closing = pool.close({ signal: controller.signal });
      const reason = new Error('shutdown deadline');
      controller.abort(reason);
      expect(await rejection(running)).toBe(reason);
      await closing;
      expect(pool.stats().running).toBe(0);
    },
  );
});
