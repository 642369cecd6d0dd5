/*
 * The thread side of `createThreadPool`: piscina loads this file in every pool thread and calls
 * its `runTask` export for each task. On load it claims a thread slot (the `index` passed to
 * `setup`), imports the user's module, runs `setup(index, data)` once, and tells the main thread
 * which handlers the module exports. Each task then runs `handler(payload, state, ctx)`; whatever
 * it throws is written with the error transport, so the main thread gets a real error back, with
 * its class brands, fields and cause. This file is its own build entry (`dist/thread-entry.*`).
 */
import { BroadcastChannel, parentPort, threadId, workerData } from 'node:worker_threads';
import { systemClock } from '@sentinel/core';
import { deserializeValue, serializeValue } from './error-transport.ts';
import {
  type AbortMessage,
  type TaskEnvelope,
  type TaskResult,
  THREAD_MESSAGE,
  type ThreadBoot,
  type ThreadMessage,
} from './protocol.ts';
import { RunningTask, type ThreadTaskContext } from './running-task.ts';

export type { ThreadTaskContext } from './running-task.ts';

interface Thread {
  readonly index: number;
  readonly state: unknown;
  readonly handlers: ReadonlyMap<string, Handler>;
}

type Handler = (payload: unknown, state: unknown, ctx: ThreadTaskContext) => unknown;

const boot = workerData as ThreadBoot;
const index = claimSlot(boot.slots);

// Aborts travel on a BroadcastChannel (piscina's task port carries only tasks). Tasks reach a
// thread in id order (the pool's queue is FIFO) and one at a time, so an abort is for the task
// running now, for a finished one (ignored), or for one still on its way: that reason is kept
// until the task arrives, and the task is then skipped.
let current: RunningTask | undefined;
const early = new Map<number, unknown>();
let lastStarted = -1;
const channel = new BroadcastChannel(boot.abortChannel);
channel.unref();
channel.onmessage = (event) => {
  const message = (event as { data: AbortMessage }).data;
  if (message.threadId !== threadId) return;
  const reason = deserializeValue(message.reason);
  if (current !== undefined && RunningTask.isFor(current, message.id)) RunningTask.abort(current, reason);
  else if (message.id > lastStarted) early.set(message.id, reason);
};

/** Set once `setup` succeeded, so a task finds its thread without awaiting `ready`. */
let thread: Thread | undefined;
const ready: Promise<Thread> = start();

/** Runs one task. Always resolves; failures are data in the result. */
async function run(envelope: TaskEnvelope): Promise<TaskResult> {
  const { id } = envelope;
  lastStarted = id;
  const startedAt = systemClock.now();
  let skipReason: unknown;
  const skipped = early.size > 0 && early.has(id);
  if (skipped) {
    skipReason = early.get(id);
    early.delete(id);
  }
  const setUp = thread ?? (await settledSetup());
  if (setUp === undefined) return failure(undefined, await setupError(), startedAt, false);
  if (skipped) return failure(setUp, skipReason, startedAt, true);
  const task = new RunningTask(id, index);
  current = task;
  try {
    const handler = setUp.handlers.get(envelope.name);
    if (handler === undefined) throw new TypeError(`the module exports no handler named "${envelope.name}"`);
    const value = await handler(envelope.payload, setUp.state, task);
    // Caught here, a function or symbol result fails its task; buried deeper in the result it
    // fails piscina's postMessage, which kills the thread (a WorkerCrashedError). Checking the
    // whole value would clone every result twice.
    if (typeof value === 'function' || typeof value === 'symbol') {
      throw new TypeError(
        `handler "${envelope.name}" returned a ${typeof value}, which cannot be sent to the main thread`,
      );
    }
    return { ok: true, value, index, runMs: systemClock.now() - startedAt, status: statusOf(setUp.state) };
  } catch (error) {
    return failure(setUp, error, startedAt, false);
  } finally {
    if (current === task) current = undefined;
  }
}

/** The thread once `setup` settled: undefined when it failed. */
function settledSetup(): Promise<Thread | undefined> {
  return ready.then(
    (done) => done,
    () => undefined,
  );
}

/** Why `setup` failed (only called once it did). */
function setupError(): Promise<unknown> {
  return ready.then(
    () => undefined,
    (error: unknown) => error,
  );
}

/**
 * Piscina's handler, exported as a promise: piscina awaits it while loading this file, before it
 * reports the thread ready. So `setup` runs before an idle thread may block in `Atomics.wait`
 * (`atomics: 'sync'`), where its pending imports and promises would never resume. It resolves
 * even when setup failed (already reported to the main thread): every task then fails with that
 * error, instead of the thread crashing in a loop.
 */
export const runTask: Promise<(envelope: TaskEnvelope) => Promise<TaskResult>> = ready.then(
  () => run,
  () => run,
);

function failure(thread: Thread | undefined, error: unknown, startedAt: number, skipped: boolean): TaskResult {
  const status = thread === undefined ? undefined : statusOf(thread.state);
  return { ok: false, error: serializeValue(error), index, runMs: systemClock.now() - startedAt, status, skipped };
}

async function start(): Promise<Thread> {
  let stage: 'import' | 'module' | 'setup' = 'import';
  let names: string[] = [];
  try {
    const exports = (await import(boot.module)) as Record<string, unknown>;
    names = Object.keys(exports);
    const setup = exports.setup;
    if (typeof setup !== 'function') {
      stage = 'module';
      throw new TypeError('the module exports no setup(index, data) function');
    }
    stage = 'setup';
    const state = await (setup as (index: number, data: unknown) => unknown)(index, boot.data);
    const handlers = new Map<string, Handler>();
    for (const [name, value] of Object.entries(exports)) {
      if (name !== 'setup' && typeof value === 'function') handlers.set(name, value as Handler);
    }
    thread = { index, state, handlers };
    parentPort?.postMessage({
      [THREAD_MESSAGE]: 'ready',
      index,
      threadId,
      handlers: [...handlers.keys()],
    } satisfies ThreadMessage);
    return thread;
  } catch (error) {
    parentPort?.postMessage({
      [THREAD_MESSAGE]: 'failed',
      index,
      threadId,
      stage,
      error: serializeValue(error),
      exports: names,
    } satisfies ThreadMessage);
    throw error;
  }
}

/** The worker's own `client.status()` (or its state's `status()`), as the async pool reports it. */
function statusOf(state: unknown): unknown {
  const target = state as { client?: { status?: () => unknown }; status?: () => unknown } | null | undefined;
  try {
    if (typeof target?.client?.status === 'function') return target.client.status();
    if (typeof target?.status === 'function') return target.status();
  } catch {
    // A status that throws is no status; the task's own outcome is what matters.
  }
  return undefined;
}

/**
 * Takes a free slot: 0 (never used) or a negative id (its thread died). The main thread marks a
 * dead thread's slot before piscina starts the replacement, so one is always free here.
 */
function claimSlot(slots: Int32Array): number {
  for (let i = 0; i < slots.length; i++) {
    const owner = Atomics.load(slots, i);
    if (owner <= 0 && Atomics.compareExchange(slots, i, owner, threadId) === owner) return i;
  }
  return -1;
}
