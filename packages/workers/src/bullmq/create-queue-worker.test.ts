import { randomUUID } from 'node:crypto';
import { circuitBreaker } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { type Client, createClient } from '@sentinel/client';
import { systemClock } from '@sentinel/core';
import { Queue, type Worker } from 'bullmq';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { bullConnection, describeRedis } from '../../test/redis.ts';
import { backoffStrategy } from './backoff-strategy.ts';
import { createQueueWorker } from './create-queue-worker.ts';
import type { QueueWorkerOptions } from './options.ts';

interface Job {
  readonly path: string;
  readonly method?: 'GET' | 'POST';
  readonly keyed?: boolean;
}

/** Waits (bounded) until `done()` resolves true. */
async function until(done: () => Promise<boolean> | boolean, what: string, limit = 1_000): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await done()) return;
    await systemClock.sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describeRedis('createQueueWorker on a real Redis and a chaos server', () => {
  let server: ChaosServer;
  const queues: Queue[] = [];
  const workers: Worker[] = [];
  const connection = bullConnection();

  beforeAll(async () => {
    server = await startChaosServer();
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) await worker.close();
    for (const queue of queues.splice(0)) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    server.resetStats();
  });

  afterAll(async () => {
    await server.close();
  });

  function queueNamed(): Queue {
    const queue = new Queue(`sentinel-test-${randomUUID()}`, { connection });
    queues.push(queue);
    return queue;
  }

  /** A worker whose handler sends the job's request with its pool worker's own client. */
  async function start(
    queue: Queue,
    extra: Partial<QueueWorkerOptions<{ client: Client; index: number }, Job, string>> = {},
  ): Promise<Worker<Job, string>> {
    const worker = await createQueueWorker<{ client: Client; index: number }, Job, string>({
      queue: queue.name,
      connection,
      workers: 4,
      setup: (index) => ({ client: createClient({ baseUrl: server.url }), index }),
      handler: async (data, { client }, ctx) => {
        const options = data.keyed === false ? {} : { idempotencyKey: ctx.idempotencyKey };
        if (data.method === 'POST' && data.keyed === false) await ctx.unkeyedWrite();
        const response = await client.request(data.method ?? 'GET', data.path, { ...options, signal: ctx.signal });
        return `${ctx.workerIndex}:${response.status}:${ctx.idempotencyKey}`;
      },
      ...extra,
    });
    workers.push(worker);
    return worker;
  }

  it('runs each job on one pool worker with its own client; ctx.idempotencyKey is <queue>:<job id>', {
    timeout: 20_000,
  }, async () => {
    const queue = queueNamed();
    const seen = new Set<unknown>();
    await start(queue, {
      setup: (index) => {
        const client = createClient({ baseUrl: server.url });
        seen.add(client);
        return { client, index };
      },
    });
    const jobs = await queue.addBulk(
      Array.from({ length: 20 }, (_, i) => ({ name: 'get', data: { path: `/items/${i}` } })),
    );
    await until(async () => (await queue.getJobCounts('completed')).completed === 20, 'the 20 jobs');
    expect(seen.size).toBe(4);
    for (const job of jobs) {
      const done = await queue.getJob(job.id as string);
      const [worker, status, key] = String(done?.returnvalue).split(':');
      expect(Number(worker)).toBeLessThan(4);
      expect(status).toBe('200');
      expect(key).toBe(queue.name);
      expect(done?.returnvalue).toBe(`${worker}:200:${queue.name}:${job.id}`);
    }
    expect(server.stats().requests).toBe(20);
  });

  it('a 429 with Retry-After pauses the whole queue and returns the job without spending an attempt', {
    timeout: 20_000,
  }, async () => {
    const queue = queueNamed();
    server.route('/limited', [{ type: 'rate-limit', retryAfter: '1', times: 1 }]);
    await start(queue);
    // attempts: 1 — a spent attempt would fail the job for good.
    const [limited] = await queue.addBulk([{ name: 'get', data: { path: '/limited' }, opts: { attempts: 1 } }]);
    await until(() => (server.stats().faults['rate-limit'] ?? 0) === 1, 'the 429');
    // BullMQ's queue-level rate limit, seen by every worker of every process: about a second.
    await until(async () => (await queue.getRateLimitTtl()) > 0, 'the pause');
    expect(await queue.getRateLimitTtl()).toBeLessThanOrEqual(1_000);
    await until(async () => (await limited?.getState()) === 'completed', 'the job after the pause', 600);
    const done = await queue.getJob(limited?.id as string);
    expect(done?.attemptsMade).toBe(1);
    expect(done?.attemptsStarted).toBe(2);
    expect(server.stats().byPath['/limited']).toBe(2);
  });

  it("an open circuit breaker pauses the queue for the breaker's retryAfterMs", { timeout: 20_000 }, async () => {
    const queue = queueNamed();
    const breaker = circuitBreaker();
    await start(queue, {
      handler: async (data, { client }) => {
        await breaker.execute(() => client.get(data.path));
        return 'sent';
      },
    });
    breaker.trip(800, 'known outage');
    const [job] = await queue.addBulk([{ name: 'get', data: { path: '/x' }, opts: { attempts: 1 } }]);
    await until(async () => (await queue.getRateLimitTtl()) > 0, 'the pause');
    expect(await queue.getRateLimitTtl()).toBeLessThanOrEqual(800);
    expect(server.stats().requests).toBe(0);
    await until(async () => (await job?.getState()) === 'completed', 'the job after the window', 600);
    expect(server.stats().requests).toBe(1);
  });

  it("retryable failures use BullMQ's attempts with the 'sentinel' backoff shape; a 404 is final", async () => {
    const queue = queueNamed();
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    server.route('/missing', [{ type: 'status', status: 404 }]);
    const delays: number[] = [];
    await start(queue, {
      backoff: (attempt) => {
        delays.push(attempt);
        return 20 * attempt;
      },
    });
    const [flaky, missing] = await queue.addBulk([
      { name: 'get', data: { path: '/flaky' }, opts: { attempts: 5, backoff: { type: 'sentinel' } } },
      { name: 'get', data: { path: '/missing' }, opts: { attempts: 5, backoff: { type: 'sentinel' } } },
    ]);
    await until(async () => (await flaky?.getState()) === 'completed', 'the flaky job');
    await until(async () => (await missing?.getState()) === 'failed', 'the 404 job');
    expect((await queue.getJob(flaky?.id as string))?.attemptsMade).toBe(3);
    const failed = await queue.getJob(missing?.id as string);
    // UnrecoverableError: one attempt of five.
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/404/);
    expect(server.stats().byPath['/missing']).toBe(1);
    expect(delays.length).toBeGreaterThan(0);
  });

  it('the backoff strategy walks the shape from the first attempt and refuses other types', () => {
    const strategy = backoffStrategy(
      (attempt, previous) => previous * 2 + attempt,
      () => 0.5,
    );
    expect([1, 2, 3].map((n) => strategy(n, 'sentinel'))).toEqual([1, 4, 11]);
    expect(strategy(1, 'custom')).toBe(-1);
  });

  it('an unkeyed POST that fails is never retried: it reached the server once', async () => {
    const queue = queueNamed();
    server.route('/orders', [{ type: 'status', status: 503 }]);
    await start(queue);
    const [job] = await queue.addBulk([
      { name: 'post', data: { path: '/orders', method: 'POST', keyed: false }, opts: { attempts: 5 } },
    ]);
    await until(async () => (await job?.getState()) === 'failed', 'the failure');
    const failed = await queue.getJob(job?.id as string);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/without an idempotency key: not retried/);
    expect(server.stats().byRoute['POST /orders']).toBe(1);
    expect((await queue.getJobLogs(job?.id as string)).logs).toEqual(['sentinel: unkeyed unsafe write sent']);
  });

  it('a stalled job is redelivered: a keyed write comes back with the same key, an unkeyed one fails instead', {
    timeout: 30_000,
  }, async () => {
    const queue = queueNamed();
    // The first worker "dies" mid-job: it stops renewing its locks and its handler never ends.
    const hang = new AbortController();
    const dying = await createQueueWorker<{ client: Client }, Job, string>({
      queue: queue.name,
      connection,
      workers: 2,
      setup: () => ({ client: createClient({ baseUrl: server.url }) }),
      handler: async (data, { client }, ctx) => {
        if (data.keyed === false) await ctx.unkeyedWrite();
        await client.post(data.path, data.keyed === false ? {} : { idempotencyKey: ctx.idempotencyKey });
        await systemClock.sleep(60_000, hang.signal).catch(() => {});
        return 'never';
      },
      closeTimeoutMs: 0,
      workerOptions: { lockDuration: 300, skipLockRenewal: true, skipStalledCheck: true },
    });
    const [keyed, unkeyed] = await queue.addBulk([
      { name: 'post', data: { path: '/keyed', method: 'POST' }, opts: { attempts: 3 } },
      { name: 'post', data: { path: '/unkeyed', method: 'POST', keyed: false }, opts: { attempts: 3 } },
    ]);
    await until(
      () => (server.stats().byRoute['POST /keyed'] ?? 0) + (server.stats().byRoute['POST /unkeyed'] ?? 0) === 2,
      'both first sends',
    );
    await dying.pause(true);
    // A healthy worker: its stalled check finds both jobs without a lock and redelivers them.
    await start(queue, { workerOptions: { stalledInterval: 200, lockDuration: 300 } });
    await until(async () => (await keyed?.getState()) === 'completed', 'the keyed job');
    await until(async () => (await unkeyed?.getState()) === 'failed', 'the unkeyed job');
    expect(server.stats().byRoute['POST /keyed']).toBe(2);
    expect(server.stats().byIdempotencyKey[`${queue.name}:${keyed?.id}`]).toBe(2);
    expect(server.stats().byRoute['POST /unkeyed']).toBe(1);
    expect((await queue.getJob(unkeyed?.id as string))?.failedReason).toMatch(/redelivered/);
    hang.abort();
    await dying.close();
  });

  it('with a shared limiter, one permit per job attempt', async () => {
    const queue = queueNamed();
    let permits = 0;
    await start(queue, {
      limiter: {
        acquire: async () => {
          permits++;
        },
      },
    });
    await queue.addBulk(Array.from({ length: 10 }, (_, i) => ({ name: 'get', data: { path: `/p/${i}` } })));
    await until(async () => (await queue.getJobCounts('completed')).completed === 10, 'the jobs');
    expect(permits).toBe(10);
  });

  it('close() lets active jobs finish, then tears the pool down; past closeTimeoutMs it aborts them and they come back', async () => {
    const queue = queueNamed();
    const release = new AbortController();
    const torn: number[] = [];
    const worker = await createQueueWorker<{ index: number }, Job, string>({
      queue: queue.name,
      connection,
      workers: 2,
      setup: (index) => ({ index }),
      teardown: ({ index }) => torn.push(index),
      handler: async (data, _worker, ctx) => {
        if (data.path === '/slow') await systemClock.sleep(150);
        else await systemClock.sleep(60_000, AbortSignal.any([ctx.signal, release.signal]));
        return 'done';
      },
      closeTimeoutMs: 300,
    });
    const [slow, stuck] = await queue.addBulk([
      { name: 'a', data: { path: '/slow' } },
      { name: 'b', data: { path: '/stuck' }, opts: { attempts: 2 } },
    ]);
    await until(async () => (await queue.getJobCounts('active')).active === 2, 'both active');
    await worker.close();
    expect(await slow?.getState()).toBe('completed');
    // Aborted by the close: failed this attempt, waiting for the next (here or elsewhere).
    expect(['wait', 'delayed', 'waiting']).toContain(await stuck?.getState());
    expect((await queue.getJob(stuck?.id as string))?.failedReason).toMatch(/closeTimeoutMs/);
    expect(torn.sort()).toEqual([0, 1]);
    expect(worker.isRunning()).toBe(false);
    // Idempotent.
    await worker.close();
  });

  it('refuses bad options, naming them', async () => {
    const base = { queue: 'q', connection, workers: 1, setup: () => ({}), handler: () => 1 };
    await expect(createQueueWorker({ ...base, queue: '' })).rejects.toThrow(/createQueueWorker: "queue"/);
    await expect(createQueueWorker({ ...base, queue: 'a:b' })).rejects.toThrow(/"queue"/);
    await expect(createQueueWorker({ ...base, workers: 0 })).rejects.toThrow(/"workers"/);
    await expect(createQueueWorker({ ...base, concurrency: 2 })).rejects.toThrow(/"concurrency"/);
    await expect(createQueueWorker({ ...base, limiter: {} as never })).rejects.toThrow(/"limiter"/);
    await expect(createQueueWorker({ ...base, workerOptions: { concurrency: 3 } as never })).rejects.toThrow(
      /"workerOptions.concurrency"/,
    );
    await expect(createQueueWorker({ ...base, handler: 'x' as never })).rejects.toThrow(/"handler"/);
    await expect(createQueueWorker({ ...base, maxPauseMs: 0 })).rejects.toThrow(/"maxPauseMs"/);
    await expect(createQueueWorker({ ...base, connection: undefined as never })).rejects.toThrow(/"connection"/);
  });
});
