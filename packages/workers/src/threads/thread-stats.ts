import type { BucketHistogram } from '../latency/bucket-histogram.ts';
import { durationStats, type WorkerStats } from '../pool/stats.ts';
import type { ThreadPoolStats } from './events.ts';
import { slotOf, type TaskRecord } from './task-record.ts';

/** The pool's counters, per thread slot and in total, and the `stats()` snapshot made from them. */
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
  /** The shared slot table: which thread holds which slot. */
  readonly #slots: Int32Array;

  constructor(threads: number, slots: Int32Array) {
    this.#tasks = new Float64Array(threads);
    this.#succeeded = new Float64Array(threads);
    this.#failed = new Float64Array(threads);
    this.#status = new Array<unknown>(threads).fill(null);
    this.#slots = slots;
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

  /** `pool.stats()`: these counters, the pool's tasks on a thread and queued now, and its latencies. */
  stats(
    onThread: ReadonlySet<TaskRecord>,
    queued: number,
    wait: BucketHistogram,
    run: BucketHistogram,
    closed: boolean,
  ): ThreadPoolStats {
    const busy = new Set<number>();
    for (const record of onThread) busy.add(slotOf(this.#slots, record.threadId));
    const { completed, failed, rejected, crashes } = this;
    return {
      workers: this.#threads(busy),
      queued,
      running: onThread.size,
      completed,
      failed,
      rejected,
      crashes,
      waitMs: durationStats(wait),
      runMs: durationStats(run),
      closed,
    };
  }

  #threads(busy: ReadonlySet<number>): WorkerStats[] {
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
