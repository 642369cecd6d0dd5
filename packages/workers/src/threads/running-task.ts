/** What a handler receives as its third argument. */
export interface ThreadTaskContext {
  /**
   * Aborted when the caller's signal aborts while the task runs, or when a forced close stops the
   * pool. A getter: the signal is made the first time a handler reads it (already aborted if the
   * abort came first), so handlers that never look at it do not pay for one.
   */
  readonly signal: AbortSignal;
  /** The thread's slot, `0 … threads - 1` (a replacement thread takes over its slot). */
  readonly workerIndex: number;
}

/**
 * The running task's `ctx` (the pool's own handle on it goes through the static methods, so a
 * handler sees only `signal` and `workerIndex`). An `AbortController` costs more than the
 * rest of a task's thread-side work (and its garbage), and few handlers look at `ctx.signal`, so
 * it is made when the handler first reads `ctx.signal` (already aborted if the abort came first).
 * `signal` is a getter on the prototype: an object literal with a getter costs microseconds per
 * task to build.
 */
export class RunningTask implements ThreadTaskContext {
  readonly workerIndex: number;
  readonly #id: number;
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  constructor(id: number, workerIndex: number) {
    this.#id = id;
    this.workerIndex = workerIndex;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  static isFor(task: RunningTask, id: number): boolean {
    return task.#id === id;
  }

  static abort(task: RunningTask, reason: unknown): void {
    if (task.#aborted) return;
    task.#aborted = true;
    task.#reason = reason;
    task.#controller?.abort(reason);
  }
}
