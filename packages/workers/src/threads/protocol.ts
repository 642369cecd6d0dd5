/*
 * What the main thread and a pool thread say to each other. Kept in one small module with no
 * dependencies, so the thread entry and the pool agree on shapes without importing each other.
 */
import type { SerializedValue } from './error-transport.ts';

/** `workerData` every thread of one pool receives. */
export interface ThreadBoot {
  /** The user's module, as a `file:` URL. */
  readonly module: string;
  /** Handed to `setup(index, data)`; structured-cloned (SharedArrayBuffers stay shared). */
  readonly data: unknown;
  /** One Int32 per thread slot: the `threadId` that owns it, `-threadId` once that thread died. */
  readonly slots: Int32Array;
  /** Name of the pool's BroadcastChannel carrying aborts of running tasks. */
  readonly abortChannel: string;
}

/** One task, main → thread (the payload travels inside it). */
export interface TaskEnvelope {
  readonly id: number;
  readonly name: string;
  readonly payload: unknown;
}

/** One task's outcome, thread → main. `runMs` is measured in the thread. */
export type TaskResult =
  | {
      readonly ok: true;
      readonly value: unknown;
      readonly index: number;
      readonly runMs: number;
      readonly status: unknown;
    }
  | {
      readonly ok: false;
      readonly error: SerializedValue;
      readonly index: number;
      readonly runMs: number;
      readonly status: unknown;
      /** The abort reached the thread before the task did: the handler never ran. */
      readonly skipped: boolean;
    };

/** Abort of a dispatched task, main → every thread (only the one running it acts). */
export interface AbortMessage {
  readonly id: number;
  readonly threadId: number;
  readonly reason: SerializedValue;
}

/** Key marking a thread's "setup done" / "setup failed" message on its parentPort. */
export const THREAD_MESSAGE = '@sentinel/workers:thread';

/** Thread → main (through piscina's `message` event) once its setup settled. */
export type ThreadMessage =
  | {
      readonly [THREAD_MESSAGE]: 'ready';
      readonly index: number;
      readonly threadId: number;
      readonly handlers: readonly string[];
    }
  | {
      readonly [THREAD_MESSAGE]: 'failed';
      readonly index: number;
      readonly threadId: number;
      /** `'import'`: the module did not load; `'module'`: it exports no `setup`; `'setup'`: `setup()` threw. */
      readonly stage: 'import' | 'module' | 'setup';
      readonly error: SerializedValue;
      /** The module's export names, for the error message. */
      readonly exports: readonly string[];
    };

/** Name of the function the thread entry exports for piscina. */
export const RUN_TASK = 'runTask';
