/** What a task receives besides its worker's state. */
export interface TaskContext {
  /**
   * Aborted when the caller's signal aborts or the pool is closed with an aborted signal; pass it
   * to the I/O the task starts. Made on first read: a task that never reads it costs no
   * AbortController.
   */
  readonly signal: AbortSignal;
  /** Index of the worker running the task (0 … workers - 1). */
  readonly workerIndex: number;
}

/** The function a worker runs: gets the worker's own state and the task's context. */
export type TaskFunction<W, R> = (worker: W, context: TaskContext) => R | PromiseLike<R>;

const NOT_ABORTED: unique symbol = Symbol('not aborted');

/** How the pool reaches back from a task whose caller's signal fired (the task is the listener). */
export interface AbortSink {
  abortTask(task: Task<never>): void;
}

/**
 * One unit of work in the pool, from submission until it really settles. It is also the
 * context handed to the task function (only `signal` and `workerIndex` are public), and the
 * abort listener of the caller's signal (`handleEvent`), so a task costs one object.
 */
export abstract class Task<W> implements TaskContext {
  readonly fn: TaskFunction<W, unknown>;
  readonly callerSignal: AbortSignal | undefined;
  /** Set while queued or running with a caller signal: where its abort goes. */
  sink: AbortSink | undefined;
  // Intrusive queue links: removal of an aborted waiter is O(1).
  prev: Task<W> | undefined;
  next: Task<W> | undefined;
  queued = false;
  enqueuedAt = 0;
  startedAt = 0;
  waitMs = 0;
  runMs = 0;
  workerIndex = -1;
  /** The caller has been given an outcome (maybe early: an abort while running). */
  answered = false;
  /** The outcome the caller was given, for stats and onTaskEnd. */
  answeredOk = false;
  answeredError: unknown;
  #controller: AbortController | undefined;
  #reason: unknown = NOT_ABORTED;

  constructor(fn: TaskFunction<W, unknown>, signal: AbortSignal | undefined) {
    this.fn = fn;
    this.callerSignal = signal;
  }

  get signal(): AbortSignal {
    let controller = this.#controller;
    if (controller === undefined) {
      controller = new AbortController();
      this.#controller = controller;
      if (this.#reason !== NOT_ABORTED) controller.abort(this.#reason);
    }
    return controller.signal;
  }

  /** Aborts the context's signal (once). */
  abortContext(reason: unknown): void {
    if (this.#reason !== NOT_ABORTED) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }

  /** Runs the task's function on a worker's state. */
  invoke(state: W): unknown {
    return this.fn(state, this);
  }

  /** Gives the caller its outcome, once. */
  settleCaller(ok: boolean, value: unknown): void {
    if (this.answered) return;
    this.answered = true;
    this.answeredOk = ok;
    if (!ok) this.answeredError = value;
    this.answer(ok, value);
  }

  /** EventListener protocol: the caller's signal aborted. */
  handleEvent(): void {
    this.sink?.abortTask(this as Task<never>);
  }

  /** Delivers the outcome to whoever submitted the task. */
  protected abstract answer(ok: boolean, value: unknown): void;

  /** Called once, when the task has really settled (its worker is free again) or was refused without running. */
  ended(): void {}
}

/** A task submitted by `pool.run`: the outcome settles a promise. */
export class RunTask<W> extends Task<W> {
  resolve!: (value: unknown) => void;
  reject!: (reason: unknown) => void;

  protected answer(ok: boolean, value: unknown): void {
    if (ok) this.resolve(value);
    else this.reject(value);
  }
}

/** FIFO of waiting tasks, linked through the tasks themselves. */
export class TaskQueue<W> {
  #head: Task<W> | undefined;
  #tail: Task<W> | undefined;
  length = 0;

  push(task: Task<W>): void {
    task.queued = true;
    task.prev = this.#tail;
    task.next = undefined;
    if (this.#tail === undefined) this.#head = task;
    else this.#tail.next = task;
    this.#tail = task;
    this.length++;
  }

  shift(): Task<W> | undefined {
    const task = this.#head;
    if (task !== undefined) this.remove(task);
    return task;
  }

  remove(task: Task<W>): void {
    if (!task.queued) return;
    task.queued = false;
    if (task.prev === undefined) this.#head = task.next;
    else task.prev.next = task.next;
    if (task.next === undefined) this.#tail = task.prev;
    else task.next.prev = task.prev;
    task.prev = undefined;
    task.next = undefined;
    this.length--;
  }
}
