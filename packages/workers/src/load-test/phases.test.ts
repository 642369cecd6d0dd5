import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../pool/task.ts';
import { drive, ManualClock } from '../test-support/resources.ts';
import { loadTest } from './load-test.ts';
import { SETTLES_PER_TURN } from './loop-turns.ts';

/** Counts event-loop turns while `body` runs, with a chain of immediates. */
async function countingTurns<T>(body: (turns: () => number) => Promise<T>): Promise<T> {
  let turns = 0;
  let running = true;
  const ticking = (async () => {
    while (running) {
      await nextTurn();
      turns++;
    }
  })();
  try {
    return await body(() => turns);
  } finally {
    running = false;
    await ticking;
  }
}

describe('loadTest: one loop per worker', () => {
  it('each worker sends exactly requestsPerWorker requests, however long its requests take (regression: a shared count let fast workers take slow ones’ share)', async () => {
    const clock = new ManualClock();
    const running = loadTest({
      workers: 2,
      requestsPerWorker: 5,
      clock,
      request: (_w, ctx) => clock.sleep(ctx.workerIndex === 0 ? 300 : 100),
    });
    await drive(clock, running, 50);
    const report = await running;
    expect(report.perWorker.map((w) => w.requests)).toEqual([5, 5]);
    // Worker 0 sends its 5 requests of 300 ms back to back.
    expect(report.elapsedMs).toBe(1_500);
  });

  it('a worker hands every one of its requests the same context: one task per worker and phase, not one per request', async () => {
    const seen = new Map<number, Set<TaskContext>>();
    const signals = new Set<AbortSignal>();
    const report = await loadTest({
      workers: 3,
      requestsPerWorker: 4,
      warmup: { requestsPerWorker: 2 },
      request: (_w, ctx) => {
        const contexts = seen.get(ctx.workerIndex) ?? new Set<TaskContext>();
        seen.set(ctx.workerIndex, contexts);
        contexts.add(ctx);
        signals.add(ctx.signal);
        return { status: 200 };
      },
    });
    expect(report.requests).toBe(12);
    // The warm-up is one phase, the measured run another: two contexts per worker.
    expect([...seen.values()].map((contexts) => contexts.size)).toEqual([2, 2, 2]);
    expect(signals.size).toBe(6);
  });

  it('open model: a worker takes the next due request when it is free, and each request is sent once', async () => {
    const clock = new ManualClock();
    const starts: number[] = [];
    const running = loadTest({
      workers: 3,
      rate: 20,
      requestsPerWorker: 4,
      clock,
      request: (_w, ctx) => {
        starts.push(clock.now());
        return clock.sleep(ctx.workerIndex === 0 ? 20 : 120);
      },
    });
    await drive(clock, running, 10);
    const report = await running;
    expect(report.requests).toBe(12);
    // Due every 50 ms; never more than 3 in flight, so none starts before it is due.
    expect(starts).toHaveLength(12);
    for (const [k, start] of starts.entries()) expect(start).toBeGreaterThanOrEqual(k * 50);
    expect(report.serviceTimeMs?.max).toBe(120);
  });
});

describe('loadTest: requests that settle without I/O', () => {
  it(`yield to the event loop after ${SETTLES_PER_TURN} settles in a row (regression: a rejecting breaker starved sockets, timers and progress)`, async () => {
    let calls = 0;
    let longest = 0;
    const report = await countingTurns(async (turns) => {
      let turn = turns();
      let streak = 0;
      return loadTest({
        workers: 4,
        requestsPerWorker: 2_000,
        request: () => {
          calls++;
          if (turns() === turn) streak++;
          else {
            turn = turns();
            streak = 1;
          }
          if (streak > longest) longest = streak;
          return Promise.reject(Object.assign(new Error('open'), { code: 'SENTINEL_CIRCUIT_OPEN' }));
        },
      });
    });
    expect(calls).toBe(8_000);
    expect(report.errors).toEqual({ SENTINEL_CIRCUIT_OPEN: 8_000 });
    // Every worker yields after its streak, so one turn sees at most workers × SETTLES_PER_TURN.
    expect(longest).toBeLessThanOrEqual(4 * SETTLES_PER_TURN + 4);
  });

  it('a duration-bound run of instant failures ends on time on a manual clock, with progress reported', async () => {
    const clock = new ManualClock();
    const progress: number[] = [];
    let calls = 0;
    const running = loadTest({
      workers: 2,
      durationMs: 1_000,
      clock,
      onProgress: (p) => progress.push(p.elapsedMs),
      request: () => {
        // A guard, so that a regression fails below instead of spinning forever: past this
        // many calls, requests wait for the clock (which only the driver below moves).
        if (++calls > 100_000) return clock.sleep(250);
        throw new Error('refused without I/O');
      },
    });
    // The driver advances time from immediates: it runs only if the workers yield.
    await drive(clock, running, 250);
    const report = await running;
    expect(report.failed).toBeGreaterThan(0);
    expect(calls).toBeLessThan(100_000);
    expect(report.succeeded).toBe(0);
    expect(report.elapsedMs).toBe(1_000);
    expect(progress.slice(0, 4)).toEqual([250, 500, 750, 1_000]);
  });
});
