import type { ThreadStats } from './events.ts';

/** The pool's counters, per thread slot and in total (what `stats()` reports besides latencies). */
export class ThreadStatsBook {
  completed = 0;
  failed = 0;
  rejected = 0;
  crashes = 0;
  readonly #tasks: Float64Array;
  readonly #failed: Float64Array;
  readonly #status: unknown[];

  constructor(threads: number) {
    this.#tasks = new Float64Array(threads);
    this.#failed = new Float64Array(threads);
    this.#status = new Array<unknown>(threads).fill(undefined);
  }

  /** A task that ran on slot `index` ended; `status` is what its thread reported with it. */
  ended(index: number, ok: boolean, status: unknown): void {
    this.completed++;
    if (!ok) this.failed++;
    if (index < 0 || index >= this.#tasks.length) return;
    this.#tasks[index] = (this.#tasks[index] as number) + 1;
    if (!ok) this.#failed[index] = (this.#failed[index] as number) + 1;
    if (status !== undefined) this.#status[index] = status;
  }

  threads(busy: ReadonlySet<number>): ThreadStats[] {
    return Array.from(this.#tasks, (tasks, index) => {
      const failed = this.#failed[index] as number;
      return { index, busy: busy.has(index), tasks, succeeded: tasks - failed, failed, status: this.#status[index] };
    });
  }
}
