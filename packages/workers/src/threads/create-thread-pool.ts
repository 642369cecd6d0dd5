import type { AnyHandler, ThreadPool } from './api.ts';
import { KeepAlive } from './keep-alive.ts';
import { resolveThreadPoolOptions, type ThreadPoolOptions } from './options.ts';
import { FifoTaskQueue } from './task-queue.ts';
import { Pool } from './thread-pool.ts';
import { startThreads } from './thread-startup.ts';

/**
 * Creates a pool of `threads` worker threads on piscina for CPU-heavy work (parsing, hashing,
 * compressing responses): the same `run` / `map` / `stats` / `close` surface as the async pool.
 * Resolves once every thread has run the module's `setup(index, data)`; if one fails, every
 * thread is terminated and the promise rejects with that failure.
 */
export async function createThreadPool<M = Record<string, AnyHandler>>(
  options: ThreadPoolOptions,
): Promise<ThreadPool<M>> {
  const resolved = resolveThreadPoolOptions(options);
  const queue = new FifoTaskQueue();
  const keepAlive = new KeepAlive();
  let pool: Pool | undefined;
  const started = await startThreads(resolved, {
    queue,
    keepAlive,
    onDispatch: (task, threadId) => pool?.dispatched(task, threadId),
  });
  pool = new Pool(resolved, started, queue, keepAlive);
  return pool as unknown as ThreadPool<M>;
}
