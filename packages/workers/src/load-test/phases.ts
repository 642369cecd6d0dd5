import type { Clock } from '@sentinel/core';
import type { WorkerPool } from '../pool/api.ts';
import type { TaskContext } from '../pool/task.ts';
import { LoopTurns, SettleStreak } from './loop-turns.ts';
import type { ResolvedPhase } from './options.ts';
import type { Recorder } from './recorder.ts';

const ignore = () => {};

/** One phase (the warm-up or the measured run) and what it needs. */
export interface PhaseRun<W> {
  readonly pool: WorkerPool<W>;
  readonly phase: ResolvedPhase;
  /** The open model's total rate, requests per second; `undefined` for the closed model. */
  readonly rate: number | undefined;
  readonly request: (worker: W, context: TaskContext) => unknown;
  readonly clock: Clock;
  /** Aborted when the run is stopped: every worker's loop ends after its current request. */
  readonly stop: AbortSignal;
  /** Where the measured phase records (absent in the warm-up). */
  readonly recorder: Recorder | undefined;
}

/** Requests an open-model phase makes: every scheduled start within the duration, or workers × requestsPerWorker. */
export function openTotal(phase: ResolvedPhase, workers: number, rate: number): number {
  if (phase.requestsPerWorker !== undefined) return phase.requestsPerWorker * workers;
  return Math.max(1, Math.ceil(((phase.durationMs as number) * rate) / 1000));
}

/**
 * Runs a phase as one loop per worker — one pool task per worker for the whole phase, not one
 * per request — and resolves when every loop has ended. A forced close rejects the tasks at
 * once; the loops then end by themselves after their current request, and the pool's close
 * waits for that.
 *
 * - Closed model: each worker sends its next request when its last one ended, for
 *   `requestsPerWorker` requests or until `durationMs` has passed.
 * - Open model (`rate`): request k is due at start + k / rate whatever the server does. A free
 *   worker takes the next request in order and starts it when it is due (so at most `workers`
 *   are in flight); a request due while every worker is busy starts late, and its latency still
 *   runs from when it was due, so a stalled server shows in the latency (corrected for
 *   coordinated omission) instead of silently slowing the test down. The service time runs from
 *   the actual start.
 */
export function runPhase<W>(run: PhaseRun<W>): Promise<void> {
  const { pool, phase, rate, request, clock, stop, recorder } = run;
  const start = clock.now();
  const open = rate !== undefined;
  const end = open || phase.durationMs === undefined ? Number.POSITIVE_INFINITY : start + phase.durationMs;
  const perWorker = open ? Number.POSITIVE_INFINITY : (phase.requestsPerWorker ?? Number.POSITIVE_INFINITY);
  const total = open ? openTotal(phase, pool.size, rate) : Number.POSITIVE_INFINITY;
  const intervalMs = open ? 1000 / rate : 0;
  // Open model: requests taken by a worker so far (the next one's index).
  let taken = 0;
  const turns = new LoopTurns();
  // A flag, not `stop.aborted` per request: the signal's getter checks its receiver every call.
  let stopped = stop.aborted;
  stop.addEventListener(
    'abort',
    () => {
      stopped = true;
    },
    { once: true },
  );
  const loop = async (worker: W, context: TaskContext): Promise<void> => {
    const index = context.workerIndex;
    const streak = new SettleStreak(turns);
    for (let sent = 0; sent < perWorker && taken < total && !stopped; sent++) {
      let started = clock.now();
      let due = started;
      if (open) {
        due = start + taken++ * intervalMs;
        if (due > started) {
          try {
            await clock.sleep(due - started, stop);
          } catch {
            return;
          }
          started = clock.now();
        }
      } else if (started >= end) {
        return;
      }
      let ok = true;
      let outcome: unknown;
      try {
        outcome = await request(worker, context);
      } catch (error) {
        ok = false;
        outcome = error;
      }
      const ended = clock.now();
      // One call, no object: the recorder keeps counters and histograms only.
      recorder?.record(index, ok, outcome, ended - due, open ? ended - started : undefined, ended);
      const pause = streak.settled();
      if (pause !== undefined) await pause;
    }
  };
  const tasks: Promise<void>[] = new Array(pool.size);
  for (let i = 0; i < pool.size; i++) tasks[i] = pool.run(loop).catch(ignore);
  return Promise.all(tasks).then(ignore);
}
