import { type Clock, ConfigError, type Disposer, Emitter, type Listener, optionChecker } from '@sentinel/core';
import { PoolClosedError, QueueFullError } from '../errors.ts';
import { LatencyHistogram } from '../latency/latency-histogram.ts';
import type { TaskEndEvent, WorkerErrorEvent } from './events.ts';
import { type MapOptions, type MapResult, type MapScheduler, mapOverPool } from './map.ts';
import { type ResolvedPoolOptions, resolvePoolOptions, type WorkerPoolOptions } from './options.ts';
import { checkSignal } from './signal.ts';
import type { DurationStats, PoolStats } from './stats.ts';
import { type AbortSink, RunTask, type Task, type TaskContext, type TaskFunction, TaskQueue } from './task.ts';
import { statusOf } from './teardown.ts';

/** Options of `pool.run`. */
export interface RunOptions {
  /**
   * Aborting it removes a queued task (rejecting with `signal.reason`), or rejects a running
   * one at once and aborts its `ctx.signal`; the worker stays busy until the task settles.
   */
  readonly signal?: AbortSignal;
}

/** Options of `pool.close`. */
export interface CloseOptions {
  /** When it aborts, running tasks are aborted (their callers rejected with its reason) instead of awaited. */
  readonly signal?: AbortSignal;
}

/** A pool of workers, each with its own state; see {@link createWorkerPool}. */
export interface WorkerPool<W> {
  /** Number of workers. */
  readonly size: number;
  /**
   * The API gateway pattern: runs `task(worker, ctx)` on the next free worker (FIFO), one task
   * per worker at a time, and settles with what it returns or throws.
   *
   * Rejects with `PoolClosedError` after `close()`, `QueueFullError` at once when `maxQueue`
   * tasks already wait, `signal.reason` when the signal is (or becomes) aborted, and a
   * `ConfigError` when `task` is not a function.
   */
  run<R>(task: TaskFunction<W, R>, options?: RunOptions): Promise<R>;
  /**
   * The scraper pattern: runs `fn(item, worker, ctx)` for every item of `items` (any iterable or
   * async iterable, pulled lazily: never more than `size` items running plus `size` finished
   * results waiting for you), yielding one result per item, in completion order or, with
   * `ordered: true`, input order. A failing item is a result with `ok: false`, not an error.
   * Breaking out of the loop stops pulling, aborts the running items' `ctx.signal` and waits for
   * them to settle. The iteration throws the source's error, the signal's reason, or
   * `PoolClosedError`, after yielding what had finished.
   *
   * @throws ConfigError synchronously when `items` is not iterable or `fn` not a function.
   */
  map<T, R>(
    items: Iterable<T> | AsyncIterable<T>,
    fn: (item: T, worker: W, context: TaskContext) => R | PromiseLike<R>,
    options?: MapOptions,
  ): AsyncIterableIterator<MapResult<T, Awaited<R>>>;
  /** Counters, per-worker state and status, and wait/run time percentiles: plain JSON. */
  stats(): PoolStats;
  /**
   * Stops accepting tasks (`PoolClosedError`), rejects the queued ones with it, waits for the
   * running ones (or aborts them when `signal` aborts), then tears every worker down. Idempotent:
   * every call returns the same promise (a later call's signal can still force it). Rejects with
   * a teardown's error (an `AggregateError` for several) after every worker was torn down.
   */
  close(options?: CloseOptions): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
  /** A task that ran has settled. */
  onTaskEnd(listener: Listener<TaskEndEvent>): Disposer;
  /** A worker failed outside a task (its teardown threw during `close()`). */
  onWorkerError(listener: Listener<WorkerErrorEvent>): Disposer;
}

interface Slot<W> {
  readonly index: number;
  readonly state: W;
  task: Task<W> | undefined;
  tasks: number;
  succeeded: number;
  failed: number;
}

const runCheck = optionChecker('pool.run');
const closeCheck = optionChecker('pool.close');

function durations(histogram: LatencyHistogram): DurationStats {
  return { p50: histogram.percentile(50), p99: histogram.percentile(99), max: histogram.percentile(100) };
}

class Pool<W> implements WorkerPool<W>, AbortSink, MapScheduler<W> {
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
  readonly #wait = new LatencyHistogram(2);
  readonly #run = new LatencyHistogram(2);
  readonly #taskEnd = new Emitter<TaskEndEvent>();
  readonly #workerError = new Emitter<WorkerErrorEvent>();
  #closed = false;
  #closing: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  readonly #closeSignals: AbortSignal[] = [];
  readonly #onCloseAbort = (event: Event) => this.#force((event.target as AbortSignal).reason);

  constructor(options: ResolvedPoolOptions<W>, states: readonly W[]) {
    this.#o = options;
    this.size = options.workers;
    this.clock = options.clock;
    this.#slots = states.map((state, index) => ({ index, state, task: undefined, tasks: 0, succeeded: 0, failed: 0 }));
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
    if (typeof (result as PromiseLike<unknown> | null)?.then !== 'function') {
      this.#complete(task, slot, true, result);
      return true;
    }
    let settled = false;
    (result as PromiseLike<unknown>).then(
      (value) => {
        if (settled) return;
        settled = true;
        this.#complete(task, slot, true, value);
        this.#dispatch(slot);
      },
      (error: unknown) => {
        if (settled) return;
        settled = true;
        this.#complete(task, slot, false, error);
        this.#dispatch(slot);
      },
    );
    return false;
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
    if (this.#running === 0) this.#drained?.();
  }

  abortTask(task: Task<never>): void {
    const t = task as unknown as Task<W>;
    const reason = (t.callerSignal as AbortSignal).reason;
    if (t.queued) {
      this.#queue.remove(t);
      this.#refuse(t, reason);
      return;
    }
    this.#abortRunning(t, reason);
  }

  #abortRunning(task: Task<W>, reason: unknown): void {
    // The caller hears at once; the worker stays busy until the task really settles.
    this.#unlisten(task);
    task.settleCaller(false, reason);
    task.abortContext(reason);
  }

  #force(reason: unknown): void {
    for (const slot of this.#slots) {
      if (slot.task !== undefined) this.#abortRunning(slot.task, reason);
    }
  }

  stats(): PoolStats {
    return {
      workers: this.#slots.map((slot) => ({
        index: slot.index,
        busy: slot.task !== undefined,
        tasks: slot.tasks,
        succeeded: slot.succeeded,
        failed: slot.failed,
        status: statusOf(slot.state),
      })),
      queued: this.#queue.length,
      running: this.#running,
      completed: this.#completed,
      failed: this.#failed,
      rejected: this.#rejected,
      waitMs: durations(this.#wait),
      runMs: durations(this.#run),
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
      this.#closing = new Promise<void>((resolve) => {
        this.#drained = resolve;
      }).then(() => this.#teardown());
      if (this.#running === 0) this.#drained?.();
    }
    // Any close() call's signal can force the running tasks, until they have drained.
    if (signal !== undefined && this.#running > 0) {
      if (signal.aborted) this.#force(signal.reason);
      else {
        signal.addEventListener('abort', this.#onCloseAbort, { once: true });
        this.#closeSignals.push(signal);
      }
    }
    return this.#closing;
  }

  async #teardown(): Promise<void> {
    for (const signal of this.#closeSignals) signal.removeEventListener('abort', this.#onCloseAbort);
    this.#closeSignals.length = 0;
    const teardown = this.#o.teardown;
    const results = await Promise.allSettled(this.#slots.map(async (slot) => teardown(slot.state, slot.index)));
    const errors: unknown[] = [];
    results.forEach((result, workerIndex) => {
      if (result.status === 'fulfilled') return;
      errors.push(result.reason);
      this.#workerError.emit({ workerIndex, phase: 'teardown', error: result.reason });
    });
    this.#taskEnd.clear();
    this.#workerError.clear();
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `${errors.length} workers failed to tear down`);
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates a pool of `workers` async workers, each owning the state `setup(index)` builds
 * (typically its own HTTP client with its own retry, breaker and limiter): the seed's
 * client-per-worker rule. A worker runs one task at a time, so its client is never shared.
 * All setups run in parallel; if one throws, the others are signalled, the workers already
 * built are torn down, and the promise rejects with that error.
 *
 * @throws ConfigError (as a rejection) for an invalid option.
 */
export async function createWorkerPool<W>(options: WorkerPoolOptions<W>): Promise<WorkerPool<W>> {
  const o = resolvePoolOptions(options);
  const controller = new AbortController();
  const context = Object.freeze({ signal: controller.signal });
  const states: W[] = new Array(o.workers);
  const built: boolean[] = new Array(o.workers).fill(false);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: o.workers }, async (_, index) => {
      try {
        states[index] = await o.setup(index, context);
        built[index] = true;
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort(error);
        }
      }
    }),
  );
  if (failure !== undefined) {
    // Best effort: the setup error is the one the caller needs; a teardown failure here cannot be reported better.
    await Promise.allSettled(states.map(async (state, index) => (built[index] ? o.teardown(state, index) : undefined)));
    throw failure.error;
  }
  return new Pool(o, states);
}
