// The thread pool's shut-down, from its first close() on: refuse the queued tasks, wait until the
// threads have answered for the running ones (or, once the close's signal aborts, answer their
// callers at once and tell their threads to abort), then terminate the threads. Apart from
// thread-pool.ts because it runs once per pool, never per task: the pool lends it its parts and
// the few steps it takes on task records, and its per-task methods and fields stay private to it.

import type { BroadcastChannel } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { KeepAlive } from './keep-alive.ts';
import type { FifoTaskQueue } from './task-queue.ts';
import type { TaskRecord } from './task-record.ts';

/** What the shut-down needs from the pool. */
export interface ThreadPoolParts {
  readonly queue: FifoTaskQueue;
  /** Tasks whose thread still owes an answer. */
  readonly onThread: ReadonlySet<TaskRecord>;
  readonly keepAlive: KeepAlive;
  readonly piscina: Piscina;
  /** The abort channel to the threads. */
  readonly channel: BroadcastChannel;
  /** The pool's event emitters, cleared at the end. */
  readonly emitters: readonly { clear(): void }[];
  /** Refuses a queued task: the pool closed before it started. */
  refuse(record: TaskRecord): void;
  /** Answers a running task's caller with `reason` now, and tells its thread to abort it. */
  abandon(record: TaskRecord, reason: unknown): void;
}

/** Made by the first close(); every later close() returns the same {@link done}. */
export class ThreadPoolShutdown {
  /** Settles once the threads are terminated. */
  readonly done: Promise<void>;
  /** The pool itself is terminating the threads: their tasks' rejections are not crashes. */
  terminating = false;
  /** Set while the shut-down waits for the running tasks. */
  #onDrained: (() => void) | undefined;

  /** Aborting `signal` stops waiting for the running tasks. */
  constructor(signal: AbortSignal | undefined, pool: ThreadPoolParts) {
    this.done = this.#shutDown(signal, pool);
  }

  /** The pool calls it when the last task has left its thread. */
  drained(): void {
    this.#onDrained?.();
  }

  async #shutDown(signal: AbortSignal | undefined, pool: ThreadPoolParts): Promise<void> {
    pool.keepAlive.hold();
    for (const owner of pool.queue.drain()) pool.refuse(owner as TaskRecord);
    if (pool.onThread.size > 0) {
      await new Promise<void>((resolve) => {
        // Aborting the close's signal: stop waiting, answer the callers, terminate the threads.
        const force = () => {
          this.terminating = true;
          for (const record of pool.onThread) pool.abandon(record, signal?.reason);
          resolve();
        };
        if (signal?.aborted) return force();
        signal?.addEventListener('abort', force, { once: true });
        this.#onDrained = () => {
          signal?.removeEventListener('abort', force);
          resolve();
        };
      });
    }
    this.terminating = true;
    await pool.piscina.destroy();
    pool.channel.close();
    pool.keepAlive.close();
    for (const emitter of pool.emitters) emitter.clear();
  }
}
