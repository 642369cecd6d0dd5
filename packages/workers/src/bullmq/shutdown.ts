import type { Clock, Disposer } from '@sentinel/core';
import type { Queue } from 'bullmq';
import type { WorkerPool } from '../pool/api.ts';

/** What a graceful close needs. */
export interface GracefulClose {
  /** BullMQ's own `Worker.close`: stops fetching, waits for the active jobs (unless `force`). */
  readonly closeWorker: (force?: boolean) => Promise<void>;
  readonly force: boolean;
  readonly pool: WorkerPool<unknown>;
  readonly queue: Queue;
  readonly timeoutMs: number;
  readonly clock: Clock;
}

/** The reason active jobs' `ctx.signal` carries when a close runs out of time. */
export class CloseTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`the queue worker was closed and its jobs did not finish within closeTimeoutMs (${timeoutMs} ms)`);
    this.name = 'CloseTimeoutError';
  }
}

/**
 * Stops taking jobs and lets the active ones finish; past `timeoutMs` (or at once with `force`)
 * their `ctx.signal` is aborted, so they fail and BullMQ retries them later (here or in another
 * process): nothing in flight is lost. Then the pool (each worker's client) and the queue handle
 * are closed.
 */
export async function closeGracefully(close: GracefulClose): Promise<void> {
  const closing = close.closeWorker(close.force);
  const stop = new AbortController();
  if (close.force) {
    close.pool.close({ signal: AbortSignal.abort(new CloseTimeoutError(0)) }).catch(() => {});
  } else {
    const late = close.clock.sleep(close.timeoutMs, stop.signal).then(
      () => true,
      () => false,
    );
    if (await Promise.race([closing.then(() => false), late])) {
      close.pool.close({ signal: AbortSignal.abort(new CloseTimeoutError(close.timeoutMs)) }).catch(() => {});
    }
  }
  try {
    await closing;
  } finally {
    stop.abort();
    await close.pool.close().finally(() => close.queue.close());
  }
}

/** Closes on SIGTERM / SIGINT, then exits 0 (1 when the close failed). */
export function onTerminationSignals(close: () => Promise<void>): Disposer {
  const onSignal = () => {
    off();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const off = () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { dispose: off, [Symbol.dispose]: off };
}
