import type { WorkerPool } from './api.ts';
import { resolvePoolOptions, type WorkerPoolOptions } from './options.ts';
import { Pool } from './worker-pool.ts';

/**
 * Creates a pool of `workers` async workers, each owning the state `setup(index)` builds
 * (typically its own HTTP client with its own retry, breaker and limiter): the seed's
 * client-per-worker rule. A worker runs one task at a time, so its client is never shared.
 * All setups run in parallel; if one throws, the others are signalled, the workers already
 * built are torn down, and the promise rejects with that error.
 *
 * @throws ConfigError (as a rejection) for an invalid option.
 */
export async function createWorkerPool<W>(options: WorkerPoolOptions<W>): Promise<WorkerPool<W>> {
  const o = resolvePoolOptions(options);
  const controller = new AbortController();
  const context = Object.freeze({ signal: controller.signal });
  const states: W[] = new Array(o.workers);
  const built: boolean[] = new Array(o.workers).fill(false);
  let failure: { error: unknown } | undefined;
  await Promise.all(
    Array.from({ length: o.workers }, async (_, index) => {
      try {
        states[index] = await o.setup(index, context);
        built[index] = true;
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort(error);
        }
      }
    }),
  );
  if (failure !== undefined) {
    // Best effort: the setup error is the one the caller needs; a teardown failure here cannot be reported better.
    await Promise.allSettled(states.map(async (state, index) => (built[index] ? o.teardown(state, index) : undefined)));
    throw failure.error;
  }
  return new Pool(o, states);
}
