// One worker of the async pool as the pool keeps it (a slot): its state, the task it runs, its
// counters, and what stats() reports of it. Apart from worker-pool.ts, which moves tasks through
// the slots, so the per-worker record and its report can be read on their own.

import type { WorkerStats } from './stats.ts';
import type { Task } from './task.ts';
import { statusOf } from './teardown.ts';

/** One worker: made once by the pool, then updated in place as tasks start and settle. */
export interface Slot<W> {
  readonly index: number;
  readonly state: W;
  task: Task<W> | undefined;
  tasks: number;
  succeeded: number;
  failed: number;
  // Made once per worker and read `task` when called: no closure per task.
  readonly onFulfilled: (value: unknown) => void;
  readonly onRejected: (error: unknown) => void;
}

/** A new slot, idle; `onFulfilled` and `onRejected` settle whatever task it runs. */
export function newSlot<W>(
  index: number,
  state: W,
  onFulfilled: (value: unknown) => void,
  onRejected: (error: unknown) => void,
): Slot<W> {
  return { index, state, task: undefined, tasks: 0, succeeded: 0, failed: 0, onFulfilled, onRejected };
}

/** The slot's entry in `pool.stats().workers`. */
export function slotStats<W>(slot: Slot<W>): WorkerStats {
  return {
    index: slot.index,
    busy: slot.task !== undefined,
    tasks: slot.tasks,
    succeeded: slot.succeeded,
    failed: slot.failed,
    status: statusOf(slot.state),
  };
}
