// What piscina says about the pool's threads outside any task, once they are all set up: a thread
// was destroyed (its slot is marked free for the replacement), a thread crashed between tasks, a
// replacement thread's setup failed. Apart from thread-pool.ts, which follows tasks: these events
// concern threads, and are wired once when the pool is made.

import type { Emitter } from '@sentinel/core';
import { deserializeValue } from './error-transport.ts';
import type { ThreadErrorEvent } from './events.ts';
import { THREAD_MESSAGE } from './protocol.ts';
import { slotOf } from './task-record.ts';
import { isThreadMessage, type StartedThreads } from './thread-startup.ts';

/** Listens to piscina's thread events for the pool's lifetime; failures go to `workerError`. */
export function watchThreads(threads: StartedThreads, workerError: Emitter<ThreadErrorEvent>): void {
  const { piscina } = threads;
  piscina.on('workerDestroy', (worker: { id: number }) => threadDied(threads.boot.slots, worker.id));
  // Piscina reports a thread that died between tasks as an 'error' event (thrown if unheard).
  piscina.on('error', (error: unknown) => workerError.emit({ workerIndex: -1, phase: 'crash', error }));
  piscina.on('message', (message: unknown) => {
    if (isThreadMessage(message) && message[THREAD_MESSAGE] === 'failed') {
      workerError.emit({ workerIndex: message.index, phase: 'setup', error: deserializeValue(message.error) });
    }
  });
}

function threadDied(slots: Int32Array, threadId: number): void {
  // Mark the slot free for the replacement, keeping the id findable (negated) for the tasks
  // piscina is about to fail with this thread's death.
  const index = slotOf(slots, threadId);
  if (index >= 0) Atomics.store(slots, index, -threadId);
}
