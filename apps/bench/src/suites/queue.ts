/**
 * `queue`: jobs per second through `createQueueWorker` (@sentinel/workers/bullmq: a pool of 8
 * workers, each with its own @sentinel/client) against a bare BullMQ `Worker` (concurrency 8, one
 * shared @sentinel/client) doing the same HTTP GET per job, on the same Redis, against the same
 * out-of-process loopback server. Each round adds 500 jobs to a long-lived queue per case and
 * waits until all have completed; cases alternate (interleaved rounds). Goal: ≥ 0.9× the bare
 * worker's throughput (a wall ratio ≤ 1.11).
 */
import { randomUUID } from 'node:crypto';
import { createClient } from '@sentinel/client';
import { createQueueWorker } from '@sentinel/workers/bullmq';
import { Queue, Worker } from 'bullmq';
import type { Reporter } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

const JOBS = 500;
const CONCURRENCY = 8;

export default async function queueSuite(report: Reporter): Promise<void> {
  const redisUrl = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const connection = { host: redisUrl.hostname, port: Number(redisUrl.port || 6379), maxRetriesPerRequest: null };
  const probe = new Queue(`sentinel-bench-probe-${randomUUID()}`, {
    connection: { ...connection, retryStrategy: () => null },
  });
  try {
    await probe.waitUntilReady();
  } catch (error) {
    console.log(`\n(skipped the queue suite: ${redisUrl.href} unreachable: ${(error as Error).message})`);
    return;
  } finally {
    await probe.close().catch(() => {});
  }
  const server = await spawnServer('ok-server');
  const shared = createClient({ baseUrl: server.url });
  const bareQueue = new Queue(`sentinel-bench-bare-${randomUUID()}`, { connection });
  const oursQueue = new Queue(`sentinel-bench-ours-${randomUUID()}`, { connection });
  const bare = new Worker(bareQueue.name, async () => (await shared.get('/items')).status, {
    connection,
    concurrency: CONCURRENCY,
    removeOnComplete: { count: 0 },
  });
  const ours = await createQueueWorker({
    queue: oursQueue.name,
    connection,
    workers: CONCURRENCY,
    setup: () => ({ client: createClient({ baseUrl: server.url }) }),
    handler: async (_data, { client }) => (await client.get('/items')).status,
    workerOptions: { removeOnComplete: { count: 0 } },
  });
  // A round: add JOBS jobs, resolve when the worker has completed them all.
  const round = (queue: Queue, worker: Worker) => async () => {
    let done = 0;
    const all = new Promise<void>((resolve) => {
      const onCompleted = () => {
        if (++done === JOBS) {
          worker.off('completed', onCompleted);
          resolve();
        }
      };
      worker.on('completed', onCompleted);
    });
    await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'get', data: { i } })));
    await all;
  };
  try {
    await report.interleaved(
      `BullMQ, ${JOBS} jobs per round, one HTTP GET each, concurrency ${CONCURRENCY} (per call = per round; throughput goal >= 0.9x)`,
      { name: 'bare BullMQ Worker (one shared client)', fn: round(bareQueue, bare) },
      [{ name: 'createQueueWorker (a client per pool worker)', fn: round(oursQueue, ours) }],
      { rounds: 7, iterations: 1, warmup: 1 },
    );
  } finally {
    await Promise.allSettled([bare.close(), ours.close()]);
    for (const queue of [bareQueue, oursQueue]) {
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
    }
    await Promise.allSettled([shared.close()]);
    await server.close();
  }
}
