import { type Clock, ConfigError, type Disposer, Emitter, type Listener, optionChecker } from '@sentinel/core';
import { PoolClosedError, QueueFullError } from '../errors.ts';
import { BucketHistogram } from '../latency/bucket-histogram.ts';
import type { CloseOptions, RunOptions, WorkerPool } from './api.ts';
import type { TaskEndEvent, WorkerErrorEvent } from './events.ts';
import { mapOverPool } from './map.ts';
import type { MapOptions, MapResult } from './map-results.ts';
import type { MapScheduler } from './map-task.ts';
import type { ResolvedPoolOptions } from './options.ts';
import { PoolShutdown } from './pool-shutdown.ts';
import { checkSignal } from './signal.ts';
import { newSlot, type Slot, slotStats } from './slot.ts';
import { durationStats, type PoolStats } from './stats.ts';
import { type AbortSink, RunTask, type Task, type TaskContext, type TaskFunction, TaskQueue } from './task.ts';

const runCheck = optionChecker('pool.run');
const closeCheck = optionChecker('pool.close');

/** The async pool; made by {@link createWorkerPool} once every worker's state is built. */
export class Pool<W> implements WorkerPool<W>, AbortSink, MapScheduler<W> {
  readonly size: number;
  readonly clock: Clock;
  readonly #o: ResolvedPoolOptions<W>;
  readonly #slots: Slot<W>[];
  // Idle workers in the order they became free: round-robin spreads work over every worker's client.
  readonly #idle: Slot<W>[];
  #idleHead = 0;
  readonly #queue = new TaskQueue<W>();
  #running = 0;
  #completed = 0;
  #failed = 0;
  #rejected = 0;
  readonly #wait = new BucketHistogram();
  readonly #run = new BucketHistogram();
  readonly #taskEnd = new Emitter<TaskEndEvent>();
  readonly #workerError = new Emitter<WorkerErrorEvent>();
  #closed = false;
  #closing: PoolShutdown<W> | undefined;

  constructor(options: ResolvedPoolOptions<W>, states: readonly W[]) {
    this.#o = options;
    this.size = options.workers;
    this.clock = options.clock;
    this.#slots = states.map((state, index) => {
      const slot: Slot<W> = newSlot(
        index,
        state,
        (value) => this.#settled(slot, true, value),
        (error) => this.#settled(slot, false, error),
      );
      return slot;
    });
    this.#idle = [...this.#slots];
  }

  get closed(): boolean {
    return this.#closed;
  }

  readonly onTaskEnd = (listener: Listener<TaskEndEvent>): Disposer => this.#taskEnd.subscribe(listener);
  readonly onWorkerError = (listener: Listener<WorkerErrorEvent>): Disposer => this.#workerError.subscribe(listener);

  run<R>(fn: TaskFunction<W, R>, options?: RunOptions): Promise<R> {
    if (typeof fn !== 'function') {
      return Promise.reject(
        new ConfigError({
          owner: 'pool.run',
          option: 'task',
          value: fn,
          expected: 'a function (worker, ctx) => result',
        }),
      );
    }
    let signal: AbortSignal | undefined;
    if (options !== undefined) {
      try {
        signal = checkSignal(runCheck, runCheck.options(options, ['signal']).signal);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    if (this.#closed) {
      this.#rejected++;
      return Promise.reject(new PoolClosedError());
    }
    if (signal?.aborted) {
      this.#rejected++;
      return Promise.reject(signal.reason);
    }
    const task = new RunTask<W>(fn as TaskFunction<W, unknown>, signal);
    const promise = new Promise<R>((resolve, reject) => {
      task.resolve = resolve as (value: unknown) => void;
      task.reject = reject;
    });
    this.submit(task, true);
    return promise;
  }

  map<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, worker: W, context: TaskContext) => R | PromiseLike<R>,
    options?: MapOptions,
  ): AsyncIterableIterator<MapResult<T, Awaited<R>>> {
    return mapOverPool(this, items, fn, options);
  }

  /** Starts `task` on a free worker, or queues it (refused over `maxQueue` when `bounded`). */
  submit(task: Task<W>, bounded: boolean): void {
    if (this.#closed) {
      this.#refuse(task, new PoolClosedError());
      return;
    }
    // A free worker exists only while the queue is empty, so FIFO order holds.
    if (this.#idleHead < this.#idle.length) {
      const slot = this.#takeIdle();
      if (task.callerSignal !== undefined) this.#listen(task);
      if (this.#start(task, slot, 0)) this.#dispatch(slot);
      return;
    }
    if (bounded && this.#queue.length >= this.#o.maxQueue) {
      this.#refuse(task, new QueueFullError(this.#o.maxQueue));
      return;
    }
    task.enqueuedAt = this.clock.now();
    this.#queue.push(task);
    if (task.callerSignal !== undefined) this.#listen(task);
  }

  #takeIdle(): Slot<W> {
    const slot = this.#idle[this.#idleHead] as Slot<W>;
    this.#idleHead++;
    // Compact now and then instead of shifting on every take.
    if (this.#idleHead > 1024 && this.#idleHead * 2 > this.#idle.length) {
      this.#idle.splice(0, this.#idleHead);
      this.#idleHead = 0;
    }
    return slot;
  }

  #listen(task: Task<W>): void {
    task.sink = this;
    (task.callerSignal as AbortSignal).addEventListener('abort', task);
  }

  #unlisten(task: Task<W>): void {
    if (task.sink === undefined) return;
    task.sink = undefined;
    (task.callerSignal as AbortSignal).removeEventListener('abort', task);
  }

  #refuse(task: Task<W>, error: unknown): void {
    this.#unlisten(task);
    this.#rejected++;
    task.settleCaller(false, error);
    task.ended();
  }

  /** Runs `task` on `slot`; returns true when it settled synchronously (the slot is free again). */
  #start(task: Task<W>, slot: Slot<W>, waitMs: number): boolean {
    slot.task = task;
    slot.tasks++;
    this.#running++;
    task.workerIndex = slot.index;
    task.waitMs = waitMs;
    this.#wait.record(waitMs);
    task.startedAt = this.clock.now();
    let result: unknown;
    try {
      result = task.invoke(slot.state);
    } catch (error) {
      this.#complete(task, slot, false, error);
      return true;
    }
    if (result instanceof Promise) {
      result.then(slot.onFulfilled, slot.onRejected);
      return false;
    }
    if (typeof (result as PromiseLike<unknown> | null)?.then === 'function') {
      // A foreign thenable may call back twice: a native promise settles once.
      Promise.resolve(result).then(slot.onFulfilled, slot.onRejected);
      return false;
    }
    this.#complete(task, slot, true, result);
    return true;
  }

  #settled(slot: Slot<W>, ok: boolean, value: unknown): void {
    this.#complete(slot.task as Task<W>, slot, ok, value);
    this.#dispatch(slot);
  }

  #complete(task: Task<W>, slot: Slot<W>, ok: boolean, value: unknown): void {
    const runMs = this.clock.now() - task.startedAt;
    task.runMs = runMs;
    this.#run.record(runMs);
    slot.task = undefined;
    this.#running--;
    this.#unlisten(task);
    task.settleCaller(ok, value);
    if (task.answeredOk) {
      slot.succeeded++;
      this.#completed++;
    } else {
      slot.failed++;
      this.#failed++;
    }
    if (this.#taskEnd.hasListeners) {
      this.#taskEnd.emit({
        workerIndex: slot.index,
        ok: task.answeredOk,
        waitMs: task.waitMs,
        runMs,
        error: task.answeredOk ? undefined : task.answeredError,
      });
    }
    task.ended();
  }

  /** `slot` is free: it takes the queue's head, or goes idle. A loop, so synchronous tasks never recurse. */
  #dispatch(slot: Slot<W>): void {
    for (;;) {
      const next = this.#queue.shift();
      if (next === undefined) break;
      if (!this.#start(next, slot, this.clock.now() - next.enqueuedAt)) return;
    }
    this.#idle.push(slot);
    if (this.#running === 0) this.#closing?.drained();
  }

  abortTask(task: Task<never>): void {
    const t = task as unknown as Task<W>;
    this.cancel(t, (t.callerSignal as AbortSignal).reason);
  }

  cancel(task: Task<W>, reason: unknown): void {
    if (task.queued) {
      this.#queue.remove(task);
      this.#refuse(task, reason);
    } else if (task.workerIndex !== -1 && !task.answered) {
      this.#abortRunning(task, reason);
    } else {
      task.abortContext(reason);
    }
  }

  #abortRunning(task: Task<W>, reason: unknown): void {
    // The caller hears at once; the worker stays busy until the task really settles.
    this.#unlisten(task);
    task.settleCaller(false, reason);
    task.abortContext(reason);
  }

  stats(): PoolStats {
    return {
      workers: this.#slots.map(slotStats),
      queued: this.#queue.length,
      running: this.#running,
      completed: this.#completed,
      failed: this.#failed,
      rejected: this.#rejected,
      waitMs: durationStats(this.#wait),
      runMs: durationStats(this.#run),
      closed: this.#closed,
    };
  }

  close(options?: CloseOptions): Promise<void> {
    let signal: AbortSignal | undefined;
    try {
      signal = checkSignal(closeCheck, closeCheck.options(options, ['signal']).signal);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing === undefined) {
      this.#closed = true;
      for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) {
        this.#refuse(task, new PoolClosedError('the worker pool was closed before the task started'));
      }
      this.#closing = new PoolShutdown((task, reason) => this.#abortRunning(task, reason), {
        teardown: this.#o.teardown,
        slots: this.#slots,
        taskEnd: this.#taskEnd,
        workerError: this.#workerError,
      });
      if (this.#running === 0) this.#closing.drained();
    }
    // Any close() call's signal can force the running tasks, until they have drained.
    if (signal !== undefined && this.#running > 0) this.#closing.forceOn(signal);
    return this.#closing.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
