import type { WorkerStats } from '../pool/stats.ts';

/** The pool's counters, per thread slot and in total (what `stats()` reports besides latencies). */
export class ThreadStatsBook {
  /** Ran and succeeded. */
  completed = 0;
  /** Ran and failed (threw, crashed, or aborted while running). */
  failed = 0;
  rejected = 0;
  crashes = 0;
  readonly #tasks: Float64Array;
  readonly #succeeded: Float64Array;
  readonly #failed: Float64Array;
  readonly #status: unknown[];

  constructor(threads: number) {
    this.#tasks = new Float64Array(threads);
    this.#succeeded = new Float64Array(threads);
    this.#failed = new Float64Array(threads);
    this.#status = new Array<unknown>(threads).fill(null);
  }

  /** A task started on slot `index`. */
  started(index: number): void {
    if (index >= 0 && index < this.#tasks.length) this.#tasks[index] = (this.#tasks[index] as number) + 1;
  }

  /** A task that ran on slot `index` ended; `status` is what its thread reported with it. */
  ended(index: number, ok: boolean, status: unknown): void {
    if (ok) this.completed++;
    else this.failed++;
    if (index < 0 || index >= this.#tasks.length) return;
    const counts = ok ? this.#succeeded : this.#failed;
    counts[index] = (counts[index] as number) + 1;
    if (status !== undefined) this.#status[index] = status;
  }

  threads(busy: ReadonlySet<number>): WorkerStats[] {
    return Array.from(this.#tasks, (tasks, index) => ({
      index,
      busy: busy.has(index),
      tasks,
      succeeded: this.#succeeded[index] as number,
      failed: this.#failed[index] as number,
      status: this.#status[index],
    }));
  }
}
