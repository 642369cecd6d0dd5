/**
 * What the thread pool knows of one task, from `run` until its caller has an answer and its
 * thread is done with it. Piscina carries it through its queue (`queueOptionsSymbol`), so the
 * pool finds it again when a thread takes the task.
 */
export interface TaskRecord {
  readonly id: number;
  readonly name: string;
  readonly submittedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  /** waiting → running (a thread took it) → settled (the caller has its answer). */
  phase: 'waiting' | 'running' | 'settled';
  /** The thread still owes an answer (stays true after an abort until it arrives). */
  onThread: boolean;
  threadId: number;
  workerIndex: number;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** A map's tasks in flight, which the map aborts together (instead of an `onAbort` each). */
  group: Set<TaskRecord> | undefined;
  /** Keeps the process alive until the caller has its answer. */
  held: boolean;
  /** Counted in its thread's `tasks` (at dispatch when the slot is known, else at the end). */
  counted: boolean;
  /** What the caller was told. */
  told: { readonly ok: boolean; readonly value: unknown } | undefined;
  /** The handler's run time, as its thread measured it (0 until it answered). */
  runMs: number;
}

/** A new record in the `waiting` phase, and the promise its caller gets. */
export function newTaskRecord(
  id: number,
  name: string,
  submittedAt: number,
  signal: AbortSignal | undefined,
): { readonly record: TaskRecord; readonly promise: Promise<unknown> } {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<unknown>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const record: TaskRecord = {
    id,
    name,
    submittedAt,
    resolve,
    reject,
    phase: 'waiting',
    onThread: false,
    threadId: 0,
    workerIndex: -1,
    signal,
    onAbort: undefined,
    group: undefined,
    held: false,
    counted: false,
    told: undefined,
    runMs: 0,
  };
  return { record, promise };
}

/**
 * The slot (worker index) of thread `threadId` in the shared slot table; -1 when it has none.
 * A slot whose thread died holds the id negated until its replacement takes it.
 */
export function slotOf(slots: Int32Array, threadId: number): number {
  for (let i = 0; i < slots.length; i++) {
    const owner = Atomics.load(slots, i);
    if (owner === threadId || owner === -threadId) return i;
  }
  return -1;
}
