// The async pool's shut-down, from its first close() on: wait until the running tasks drain —
// forcing them first if any close() call's signal aborts — then tear every worker's state down,
// reporting each failure. Apart from worker-pool.ts because it runs once per pool, never per
// task: the pool hands it the few parts it needs and one callback, and its per-task fields stay
// private to it.

import type { Emitter } from '@sentinel/core';
import type { TaskEndEvent, WorkerErrorEvent } from './events.ts';
import type { ResolvedPoolOptions } from './options.ts';
import type { Slot } from './slot.ts';
import type { Task } from './task.ts';

/** What tearing the workers down needs from the pool. */
export interface ShutdownWorkers<W> {
  readonly teardown: ResolvedPoolOptions<W>['teardown'];
  readonly slots: readonly Slot<W>[];
  readonly taskEnd: Emitter<TaskEndEvent>;
  readonly workerError: Emitter<WorkerErrorEvent>;
}

/** Made by the first close(); every later close() returns the same {@link done}. */
export class PoolShutdown<W> {
  /** Settles once every worker's state is torn down; rejects with the teardown failure(s). */
  readonly done: Promise<void>;
  /** The pool calls it once no task runs any more. */
  readonly drained: () => void;
  readonly #workers: ShutdownWorkers<W>;
  readonly #abortRunning: (task: Task<W>, reason: unknown) => void;
  readonly #signals: AbortSignal[] = [];
  readonly #onAbort = (event: Event) => this.#force((event.target as AbortSignal).reason);

  /** `abortRunning` answers a running task's caller with `reason` at once and aborts its context. */
  constructor(abortRunning: (task: Task<W>, reason: unknown) => void, workers: ShutdownWorkers<W>) {
    this.#abortRunning = abortRunning;
    this.#workers = workers;
    let drained!: () => void;
    this.done = new Promise<void>((resolve) => {
      drained = resolve;
    }).then(() => this.#tearDown());
    this.drained = drained;
  }

  /** A close() call's signal while tasks still run: aborting it forces them. */
  forceOn(signal: AbortSignal): void {
    if (signal.aborted) this.#force(signal.reason);
    else {
      signal.addEventListener('abort', this.#onAbort, { once: true });
      this.#signals.push(signal);
    }
  }

  #force(reason: unknown): void {
    for (const slot of this.#workers.slots) {
      if (slot.task !== undefined) this.#abortRunning(slot.task, reason);
    }
  }

  async #tearDown(): Promise<void> {
    for (const signal of this.#signals) signal.removeEventListener('abort', this.#onAbort);
    this.#signals.length = 0;
    const { teardown, slots, taskEnd, workerError } = this.#workers;
    const results = await Promise.allSettled(slots.map(async (slot) => teardown(slot.state, slot.index)));
    const errors: unknown[] = [];
    results.forEach((result, workerIndex) => {
      if (result.status === 'fulfilled') return;
      errors.push(result.reason);
      workerError.emit({ workerIndex, phase: 'teardown', error: result.reason });
    });
    taskEnd.clear();
    workerError.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} workers failed to tear down`);
  }
}
