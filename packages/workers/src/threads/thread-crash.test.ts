import { isSentinelError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { isWorkerCrashedError, type WorkerCrashedError } from '../errors.ts';
import { createThreadPool } from './create-thread-pool.ts';
import type { ThreadErrorEvent } from './events.ts';
import { createGates, openGate, waitWhile } from './fixtures/gates.ts';
import type * as Handlers from './fixtures/handlers.ts';

describe('a thread that crashes', () => {
  it('fails only its own task with WorkerCrashedError; the thread is replaced and no other task is lost', {
    timeout: 180_000,
  }, async () => {
    const gates = createGates(4);
    const pool = await createThreadPool<typeof Handlers>({
      module: new URL('./fixtures/handlers.ts', import.meta.url),
      threads: 2,
      data: { gates, label: 'crash' },
    });
    const events: ThreadErrorEvent[] = [];
    pool.onWorkerError((event) => events.push(event));
    try {
      // One thread busy with a task in flight, the other about to die, three tasks queued behind.
      const inFlight = pool.run('hold', 0);
      await waitWhile(gates.entered, 0, 0);
      const busyIndex = pool.stats().workers.findIndex((w) => w.busy);
      const crashing = pool.run('crash', 'throw');
      const queued = [1, 2, 3].map((n) => pool.run('echo', n));
      expect(pool.stats().queued).toBe(3);

      const crash = (await crashing.catch((error: unknown) => error)) as WorkerCrashedError;
      expect(isWorkerCrashedError(crash)).toBe(true);
      expect(isSentinelError(crash)).toBe(true);
      expect(crash.workerIndex).toBe(1 - busyIndex);
      expect(crash.message).toContain('"crash"');
      expect((crash.cause as Error).message).toBe('uncaught in the thread');

      // The queued tasks run on the replacement (same slot, its own fresh setup) while the
      // other thread is still held: nothing was lost, nothing waited for the held task.
      const results = await Promise.all(queued);
      expect(results.map((r) => r.payload)).toEqual([1, 2, 3]);
      for (const result of results) {
        expect(result.workerIndex).toBe(crash.workerIndex);
        expect(result.setupIndex).toBe(crash.workerIndex);
      }
      openGate(gates, 0);
      expect(await inFlight).toMatchObject({ gate: 0, workerIndex: busyIndex, aborted: false });

      // process.exit in a handler is a crash too.
      const exited = (await pool.run('crash', 'exit').catch((error: unknown) => error)) as WorkerCrashedError;
      expect(isWorkerCrashedError(exited)).toBe(true);
      expect(exited.message).toMatch(/exited with code: 7/);
      expect(await pool.run('echo', 'after')).toMatchObject({ payload: 'after' });

      const stats = pool.stats();
      expect(stats).toMatchObject({ crashes: 2, running: 0, queued: 0 });
      expect(stats.completed).toBe(5);
      expect(stats.failed).toBe(2);
      expect(events.map((e) => [e.workerIndex, e.phase, isWorkerCrashedError(e.error)])).toEqual([
        [crash.workerIndex, 'crash', true],
        [exited.workerIndex, 'crash', true],
      ]);
      expect(stats.workers.reduce((n, w) => n + w.tasks, 0)).toBe(7);

      // A thread dying while close() waits for it is still a crash, not part of the close.
      const lateCrash = pool.run('crash', 'throw');
      const closing = pool.close();
      expect(isWorkerCrashedError(await lateCrash.catch((error: unknown) => error))).toBe(true);
      await closing;
      expect(pool.stats()).toMatchObject({ crashes: 3, running: 0, closed: true });
    } finally {
      await pool.close();
    }
  });
});
