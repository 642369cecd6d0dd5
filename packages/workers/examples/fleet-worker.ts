import { exponential, fullJitter } from '@sentinel/backoff';
import { type Client, createClient } from '@sentinel/client';
import { redisTokenBucket } from '@sentinel/ratelimit/redis';
import { createQueueWorker } from '@sentinel/workers/bullmq';
import { Redis } from 'ioredis';

// One process of the fleet (start as many as you like, on any machine): 8 workers, each with its
// own client; 200 requests/s to the partner API shared by every process.
export async function startFleetProcess(redisUrl: string, apiUrl: string, queue = 'partner-api', processes = 4) {
  const redis = new Redis(redisUrl);
  const limiter = redisTokenBucket({
    redis,
    key: `rl:${queue}`,
    capacity: 10,
    refillPerSecond: 200,
    localShare: 1 / processes, // Redis down: each process keeps its share locally
  });
  const { hostname, port } = new URL(redisUrl);
  const worker = await createQueueWorker<{ client: Client }, { orderId: string }, number>({
    queue,
    connection: { host: hostname, port: Number(port || 6379), maxRetriesPerRequest: null },
    workers: 8,
    setup: () => ({ client: createClient({ baseUrl: apiUrl }) }),
    limiter,
    backoff: fullJitter(exponential({ initialMs: 200, maxMs: 10_000 })),
    handler: async ({ orderId }, { client }, ctx) => {
      // The key makes a write BullMQ delivers twice (this process died mid-job) safe to repeat.
      const response = await client.post(`/orders/${orderId}/confirm`, {
        idempotencyKey: ctx.idempotencyKey,
        signal: ctx.signal,
      });
      return response.status;
    },
    handleSignals: true, // SIGTERM: finish the active jobs, close, exit 0
  });
  worker.on('closed', () => redis.disconnect());
  return worker;
}
