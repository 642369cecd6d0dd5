import type { Client } from '@sentinel/client';
import { optionChecker } from '@sentinel/core';
import { createWorkerPool, type WorkerPool } from '@sentinel/workers';
import { type ResilientClientOptions, resolveResilientOptions } from '../presets/resolve-preset.ts';
import { createResilientClient } from '../resilient-client/create-resilient-client.ts';

/** What each worker of a resilient pool owns: its own client (retry, breakers, limiter included). */
export interface ResilientWorker {
  readonly client: Client;
}

/** Options of {@link createResilientPool}: the pool's, plus everything `createResilientClient` takes. */
export interface ResilientPoolOptions extends ResilientClientOptions {
  /** Number of workers, each with its own client: an integer >= 1. */
  readonly workers: number;
  /**
   * Most tasks waiting for a free worker (`QueueFullError` beyond): an integer >= 0 or `Infinity`.
   * @default Infinity
   */
  readonly maxQueue?: number;
}

const check = optionChecker('createResilientPool');

/**
 * The seed's `ResilientWorker` in one call: a `@sentinel/workers` pool whose every worker has its
 * own `createResilientClient` client built from the same preset and overrides — its own retry,
 * breakers and limiter, never shared (the client-per-worker rule). Closing the pool closes every
 * client. Use `pool.run` for the gateway pattern and `pool.map` for the scraper.
 *
 * A limit owed to the remote API as a whole belongs outside the workers: pass one shared
 * `rateLimit` policy (it is then used by every client as it is).
 *
 * @example
 * await using pool = await createResilientPool({ preset: 'production', workers: 8, baseUrl });
 * const user = await pool.run(({ client }) => client.get('/users/42').then((r) => r.json()));
 *
 * @throws ConfigError (as a rejection) for a bad `workers` / `maxQueue`, or an unknown preset or knob.
 */
export async function createResilientPool(options: ResilientPoolOptions): Promise<WorkerPool<ResilientWorker>> {
  if (typeof options !== 'object' || options === null)
    check.fail('options', options, 'an options object with "workers"');
  const { workers, maxQueue, ...clientOptions } = options;
  check.integer('workers', workers, { min: 1, max: 1_000_000 });
  // Every knob is checked once, here, so a typo fails before any worker is built.
  resolveResilientOptions(clientOptions, 'createResilientPool');
  return createWorkerPool<ResilientWorker>({
    workers,
    ...(maxQueue === undefined ? {} : { maxQueue }),
    ...(clientOptions.clock === undefined ? {} : { clock: clientOptions.clock }),
    setup: () => ({ client: createResilientClient(clientOptions) }),
  });
}
