import { BroadcastChannel } from 'node:worker_threads';
import { Emitter, optionChecker } from '@sentinel/core';
import { type PiscinaTask, queueOptionsSymbol } from 'piscina';
import { PoolClosedError, QueueFullError, WorkerCrashedError } from '../errors.ts';
import { BucketHistogram } from '../latency/bucket-histogram.ts';
import type { TaskEndEvent } from '../pool/events.ts';
import type { MapOptions, MapResult } from '../pool/map-results.ts';
import { checkSignal } from '../pool/signal.ts';
import type { ThreadPoolCloseOptions, ThreadRunOptions } from './api.ts';
import { deserializeValue, serializeValue } from './error-transport.ts';
import type { ThreadErrorEvent, ThreadPoolStats } from './events.ts';
import type { KeepAlive } from './keep-alive.ts';
import { mapOnThreads } from './map.ts';
import type { ResolvedThreadPoolOptions } from './options.ts';
import type { AbortMessage, TaskEnvelope, TaskResult } from './protocol.ts';
import type { FifoTaskQueue } from './task-queue.ts';
import { newTaskRecord, slotOf, type TaskRecord } from './task-record.ts';
import { ThreadPoolShutdown } from './thread-pool-shutdown.ts';
import type { StartedThreads } from './thread-startup.ts';
import { ThreadStatsBook } from './thread-stats.ts';
import { watchThreads } from './thread-watch.ts';

const runCheck = optionChecker('threadPool.run');
/** Piscina only reads its run options: one shared object instead of one per task. */
const NO_RUN_OPTIONS = Object.freeze({});

type NewTask = ReturnType<typeof newTaskRecord>;

/** The thread pool; made by {@link createThreadPool} once every thread has run its setup. */
export class Pool {
  readonly #options: ResolvedThreadPoolOptions;
  readonly #threads: StartedThreads;
  readonly #queue: FifoTaskQueue;
  readonly #keepAlive: KeepAlive;
  readonly #channel: BroadcastChannel;
  readonly #book: ThreadStatsBook;
  readonly #onThread = new Set<TaskRecord>();
  readonly #taskEnd = new Emitter<TaskEndEvent>();
  readonly #workerError = new Emitter<ThreadErrorEvent>();
  readonly #wait = new BucketHistogram();
  readonly #run = new BucketHistogram();
  #nextId = 0;
  #closing: ThreadPoolShutdown | undefined;

  readonly onTaskEnd = this.#taskEnd.subscribe;
  readonly onWorkerError = this.#workerError.subscribe;

  constructor(options: ResolvedThreadPoolOptions, threads: StartedThreads, queue: FifoTaskQueue, keepAlive: KeepAlive) {
    this.#options = options;
    this.#keepAlive = keepAlive;
    this.#threads = threads;
    this.#queue = queue;
    this.#book = new ThreadStatsBook(options.threads, threads.boot.slots);
    this.#channel = new BroadcastChannel(threads.boot.abortChannel);
    this.#channel.unref();
    watchThreads(threads, this.#workerError);
  }

  run(name: string, payload: unknown, options?: ThreadRunOptions): Promise<unknown> {
    try {
      return this.#start(name, payload, options, true).promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  map(name: string, items: unknown, options?: MapOptions): AsyncIterable<MapResult<unknown, unknown>> {
    const check = optionChecker('threadPool.map');
    this.#checkName(check, name);
    // One abort listener for the whole map rather than one added and removed per task: the map's
    // signal aborts once, when the map is left early, and then aborts every task it has in flight.
    const live = new Set<TaskRecord>();
    let listening = false;
    return mapOnThreads(check, items, options, this.#options.threads, (item, mapSignal) => {
      // A closed pool ends the map (the loop throws) rather than failing every remaining item.
      if (this.#closing !== undefined) throw new PoolClosedError();
      if (!listening) {
        listening = true;
        const abortAll = () => {
          for (const record of live) this.#aborted(record, mapSignal.reason);
        };
        mapSignal.addEventListener('abort', abortAll, { once: true });
      }
      const { record, promise } = this.#start(name, item, { signal: mapSignal }, false, live);
      return { promise, workerIndex: () => record.workerIndex, ms: () => record.runMs };
    });
  }

  stats(): ThreadPoolStats {
    return this.#book.stats(this.#onThread, this.#queue.size, this.#wait, this.#run, this.#closing !== undefined);
  }

  close(options?: ThreadPoolCloseOptions): Promise<void> {
    if (this.#closing === undefined) {
      const check = optionChecker('threadPool.close');
      const signal = checkSignal(check, check.options(options, ['signal']).signal);
      this.#closing = new ThreadPoolShutdown(signal, {
        queue: this.#queue,
        onThread: this.#onThread,
        keepAlive: this.#keepAlive,
        piscina: this.#threads.piscina,
        channel: this.#channel,
        emitters: [this.#taskEnd, this.#workerError],
        refuse: (record) => this.#refuse(record, new PoolClosedError()),
        abandon: (record, reason) => {
          this.#settle(record, false, reason);
          this.#tellThread(record, reason);
        },
      });
    }
    return this.#closing.done;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  /** From piscina's load balancer: the task is leaving the queue for thread `threadId`. */
  dispatched(task: PiscinaTask, threadId: number): void {
    const record = task[queueOptionsSymbol] as TaskRecord | null;
    if (record === null || record.phase !== 'waiting') return;
    record.phase = 'running';
    record.onThread = true;
    record.threadId = threadId;
    record.workerIndex = slotOf(this.#threads.boot.slots, threadId);
    if (record.workerIndex >= 0) {
      this.#book.started(record.workerIndex);
      record.counted = true;
    }
    this.#onThread.add(record);
  }

  /**
   * `bounded: false` (a map's tasks) skips `maxQueue`: the map bounds its own read-ahead. With
   * `group` (a map's tasks), the task joins it instead of listening to its signal itself: the
   * group's owner listens once for all of them.
   */
  #start(
    name: string,
    payload: unknown,
    options: ThreadRunOptions | undefined,
    bounded: boolean,
    group?: Set<TaskRecord>,
  ): NewTask {
    this.#checkName(runCheck, name);
    let signal: AbortSignal | undefined;
    let transfer: readonly unknown[] | undefined;
    // `run(name, payload)` without options is the hot path: nothing to check.
    if (options !== undefined) {
      const opts = runCheck.options(options, ['signal', 'transfer']);
      signal = checkSignal(runCheck, opts.signal);
      transfer = opts.transfer;
      if (transfer !== undefined && !Array.isArray(transfer))
        runCheck.fail('transfer', transfer, 'an array of transferable objects');
    }
    const task = newTaskRecord(this.#nextId++, name, this.#options.clock.now(), signal);
    const { record } = task;
    if (this.#closing !== undefined || signal?.aborted) {
      this.#refuse(record, this.#closing !== undefined ? new PoolClosedError() : signal?.reason);
      return task;
    }

    this.#keepAlive.hold();
    record.held = true;
    const envelope: TaskEnvelope & { [queueOptionsSymbol]: TaskRecord } = {
      id: record.id,
      name,
      payload,
      [queueOptionsSymbol]: record,
    };
    this.#threads.piscina
      .run(envelope, transfer === undefined ? NO_RUN_OPTIONS : { transferList: transfer as never })
      .then(
        (result: TaskResult) => this.#answered(record, result),
        (error: unknown) => this.#lost(record, error),
      );
    // Piscina placed it on a thread or in the queue, synchronously; a queue over its bound gives it back.
    if (
      bounded &&
      record.phase === 'waiting' &&
      this.#queue.size > this.#options.maxQueue &&
      this.#queue.take(record)
    ) {
      this.#refuse(record, new QueueFullError(this.#options.maxQueue));
      return task;
    }
    if (signal !== undefined && record.phase !== 'settled') {
      if (group !== undefined) {
        record.group = group;
        group.add(record);
      } else {
        record.onAbort = () => this.#aborted(record, signal.reason);
        signal.addEventListener('abort', record.onAbort, { once: true });
      }
    }
    return task;
  }

  #checkName(check: ReturnType<typeof optionChecker>, name: unknown): void {
    if (typeof name !== 'string' || !this.#threads.handlers.has(name)) {
      const names = [...this.#threads.handlers].join(', ') || 'none';
      check.fail('name', name, `the name of a handler the module exports (${names})`);
    }
  }

  /** Never ran: refused at the door, or taken out of the queue. */
  #refuse(record: TaskRecord, reason: unknown): void {
    this.#book.rejected++;
    this.#settle(record, false, reason);
  }

  #aborted(record: TaskRecord, reason: unknown): void {
    if (record.phase === 'waiting' && this.#queue.take(record)) {
      this.#refuse(record, reason);
    } else if (record.phase === 'running') {
      this.#settle(record, false, reason);
      this.#tellThread(record, reason);
    }
  }

  #tellThread(record: TaskRecord, reason: unknown): void {
    const message: AbortMessage = { id: record.id, threadId: record.threadId, reason: serializeValue(reason) };
    this.#channel.postMessage(message);
  }

  /** The thread answered. The caller may already have been answered (aborted). */
  #answered(record: TaskRecord, result: TaskResult): void {
    this.#offThread(record, result.index);
    record.runMs = result.runMs;
    if (result.ok) this.#settle(record, true, result.value);
    else this.#settle(record, false, deserializeValue(result.error));
    if (!result.ok && result.skipped) this.#book.rejected++;
    else this.#ended(record, result.status);
  }

  /** Piscina rejected: the thread died under the task, or the payload could not be posted. */
  #lost(record: TaskRecord, cause: unknown): void {
    const index = slotOf(this.#threads.boot.slots, record.threadId);
    this.#offThread(record, index);
    if ((cause as { name?: unknown } | null)?.name === 'DataCloneError') {
      this.#book.rejected++;
      this.#settle(record, false, cause);
      return;
    }
    if (this.#closing?.terminating) {
      // Terminated by close: the caller already has the close's reason.
      this.#settle(record, false, cause);
      return;
    }
    const message = cause instanceof Error ? cause.message : String(cause);
    const error = new WorkerCrashedError(index, `thread ${index} died while running "${record.name}": ${message}`, {
      cause,
    });
    this.#book.crashes++;
    this.#settle(record, false, error);
    this.#ended(record, undefined);
    this.#workerError.emit({ workerIndex: index, phase: 'crash', error });
  }

  #offThread(record: TaskRecord, index: number): void {
    record.workerIndex = index;
    if (!record.counted) this.#book.started(index);
    record.onThread = false;
    this.#onThread.delete(record);
    if (this.#onThread.size === 0) this.#closing?.drained();
  }

  /** A task that ran has really settled on its thread (the caller may have been told earlier). */
  #ended(record: TaskRecord, status: unknown): void {
    const { runMs, workerIndex } = record;
    const ok = record.told?.ok === true;
    const waitMs = Math.max(0, this.#options.clock.now() - record.submittedAt - runMs);
    this.#wait.record(waitMs);
    this.#run.record(runMs);
    this.#book.ended(workerIndex, ok, status);
    if (this.#taskEnd.hasListeners) {
      this.#taskEnd.emit({ workerIndex, ok, waitMs, runMs, error: ok ? undefined : record.told?.value });
    }
  }

  #settle(record: TaskRecord, ok: boolean, value: unknown): void {
    if (record.phase === 'settled') return;
    if (record.held) this.#keepAlive.release();
    record.phase = 'settled';
    record.told = { ok, value };
    if (record.onAbort !== undefined) record.signal?.removeEventListener('abort', record.onAbort);
    record.group?.delete(record);
    if (ok) record.resolve(value);
    else record.reject(value);
  }
}
