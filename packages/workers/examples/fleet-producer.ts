import { Queue } from 'bullmq';

// The producer side is plain BullMQ: add the jobs in bulk, with BullMQ's attempts and the
// 'sentinel' backoff type (the workers' `backoff` shape).
export async function addOrders(redisUrl: string, orderIds: readonly string[], queue = 'partner-api') {
  const { hostname, port } = new URL(redisUrl);
  const orders = new Queue(queue, { connection: { host: hostname, port: Number(port || 6379) } });
  try {
    for (let i = 0; i < orderIds.length; i += 1_000) {
      await orders.addBulk(
        orderIds.slice(i, i + 1_000).map((orderId) => ({
          name: 'confirm',
          data: { orderId },
          opts: { attempts: 5, backoff: { type: 'sentinel' }, removeOnComplete: 1_000 },
        })),
      );
    }
  } finally {
    await orders.close();
  }
}
