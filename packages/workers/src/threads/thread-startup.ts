import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@sentinel/core';
import { Piscina, type PiscinaTask } from 'piscina';
import { WorkerCrashedError } from '../errors.ts';
import { deserializeValue } from './error-transport.ts';
import type { KeepAlive } from './keep-alive.ts';
import { OWNER, type ResolvedThreadPoolOptions } from './options.ts';
import { RUN_TASK, THREAD_MESSAGE, type ThreadBoot, type ThreadMessage } from './protocol.ts';
import type { FifoTaskQueue } from './task-queue.ts';

type Balancer = (
  task: PiscinaTask,
  workers: Parameters<NonNullable<Piscina['options']['loadBalancer']>>[1],
) => ReturnType<NonNullable<Piscina['options']['loadBalancer']>>;

/** What the pool needs from its threads once they are all set up. */
export interface StartedThreads {
  readonly piscina: Piscina;
  readonly boot: ThreadBoot;
  /** The module's handler names (every thread loads the same module). */
  readonly handlers: ReadonlySet<string>;
}

/** Hooks from the pool into piscina's scheduling. */
export interface StartHooks {
  readonly queue: FifoTaskQueue;
  /** Held while the threads start. */
  readonly keepAlive: KeepAlive;
  /** Called when piscina hands a task to a thread (from its load balancer). */
  readonly onDispatch: (task: PiscinaTask, threadId: number) => void;
}

/**
 * Starts piscina with exactly `threads` threads and resolves once every thread has run its
 * `setup`. If one setup fails, every thread is terminated and the promise rejects: with a
 * `ConfigError` naming `module` when it exports no `setup`, with the module's own error when it
 * did not load, with the error `setup` threw, or with a `WorkerCrashedError` when a thread died.
 */
export async function startThreads(options: ResolvedThreadPoolOptions, hooks: StartHooks): Promise<StartedThreads> {
  const { threads, atomics } = options;
  const boot: ThreadBoot = {
    module: options.module,
    data: options.data,
    slots: new Int32Array(new SharedArrayBuffer(threads * Int32Array.BYTES_PER_ELEMENT)),
    abortChannel: `@sentinel/workers:threads:${randomUUID()}`,
  };
  // Piscina's default balancer also dispatches here; wrapping it is how the pool learns, at the
  // moment it happens, that a task left the queue for a thread, and which thread.
  const loadBalancer: Balancer = (task, workers) => {
    for (const worker of workers) {
      if (worker.currentUsage === 0 && !worker.terminating && !worker.destroyed) {
        hooks.onDispatch(task, worker.id);
        return worker;
      }
    }
    return null;
  };
  const entry = threadEntry();
  const piscina = new Piscina({
    filename: entry.filename,
    name: RUN_TASK,
    minThreads: threads,
    maxThreads: threads,
    idleTimeout: Number.POSITIVE_INFINITY,
    maxQueue: Number.POSITIVE_INFINITY,
    concurrentTasksPerWorker: 1,
    atomics,
    taskQueue: hooks.queue,
    // Keeps FIFO when piscina puts a task it could not place back in front of the queue.
    stricterFIFO: true,
    loadBalancer,
    recordTiming: false,
    workerData: boot,
    ...(entry.execArgv === undefined ? {} : { execArgv: entry.execArgv }),
  });

  let handlers: readonly string[] = [];
  hooks.keepAlive.hold();
  try {
    await new Promise<void>((resolve, reject) => {
      const ready = new Set<number>();
      const onMessage = (message: unknown) => {
        if (!isThreadMessage(message)) return;
        if (message[THREAD_MESSAGE] === 'ready') {
          handlers = message.handlers;
          ready.add(message.index);
          if (ready.size === threads) done();
        } else {
          done(setupFailure(options.module, message));
        }
      };
      const onDestroy = () => done(new WorkerCrashedError(-1, 'a thread exited during its setup'));
      const onError = (error: unknown) =>
        done(new WorkerCrashedError(-1, 'a thread crashed during its setup', { cause: error }));
      const done = (error?: unknown) => {
        piscina.off('message', onMessage).off('workerDestroy', onDestroy).off('error', onError);
        if (error === undefined) resolve();
        else reject(error);
      };
      piscina.on('message', onMessage).on('workerDestroy', onDestroy).on('error', onError);
    });
  } catch (error) {
    await piscina.destroy();
    hooks.keepAlive.close();
    throw error;
  } finally {
    hooks.keepAlive.release();
  }
  return { piscina, boot, handlers: new Set(handlers) };
}

function setupFailure(module: string, message: Extract<ThreadMessage, { [THREAD_MESSAGE]: 'failed' }>): unknown {
  if (message.stage === 'module') {
    const exported = message.exports.length > 0 ? message.exports.join(', ') : 'nothing';
    return new ConfigError({
      owner: OWNER,
      option: 'module',
      value: module,
      expected: `a module exporting setup(index, data) and its handlers (it exports: ${exported})`,
    });
  }
  return deserializeValue(message.error);
}

export function isThreadMessage(message: unknown): message is ThreadMessage {
  return typeof message === 'object' && message !== null && THREAD_MESSAGE in message;
}

/**
 * The file piscina loads in each thread. Built: `dist/thread-entry.js` (ESM) or `.cjs` (CJS), next
 * to the bundle this code lives in (`import.meta.url` is shimmed by tsup in the CJS build). From
 * the TypeScript sources (tests, tsx): a plain-JS shim that loads the TypeScript entry with tsx,
 * and the `@sentinel/source` condition so the threads import workspace sources too.
 */
function threadEntry(): { filename: string; execArgv?: string[] } {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    return {
      filename: fileURLToPath(new URL('./thread-entry-source.mjs', here)),
      execArgv: [...process.execArgv, '--conditions=@sentinel/source'],
    };
  }
  return { filename: fileURLToPath(new URL(here.endsWith('.cjs') ? './thread-entry.cjs' : './thread-entry.js', here)) };
}
