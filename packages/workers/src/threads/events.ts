import type { PoolStats } from '../pool/stats.ts';

/** Payload of `onWorkerError`: a thread crashed, or a replacement thread's setup failed. */
export interface ThreadErrorEvent {
  /** The thread slot; -1 when unknown. */
  readonly workerIndex: number;
  /** `'crash'`: the thread died (it is replaced); `'setup'`: a replacement thread's `setup` threw. */
  readonly phase: 'crash' | 'setup';
  readonly error: unknown;
}

/**
 * `pool.stats()`: a plain, JSON-serialisable snapshot — the async pool's {@link PoolStats}, one
 * `workers` entry per thread slot, plus `crashes`.
 */
export interface ThreadPoolStats extends PoolStats {
  /** Threads that died (uncaught error, `process.exit`) and were replaced. */
  readonly crashes: number;
}
