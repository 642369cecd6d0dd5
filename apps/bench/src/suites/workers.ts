/**
 * `workers`: @sentinel/workers side by side with what a user would otherwise write, in one run.
 *
 * 1. Heap per async worker before its first request (client + retry + breaker + bucket + pool
 *    slot), goal <= 4 KB.
 * 2. `pool.run` overhead per task over a direct call, next to p-queue 10.0.0 and p-limit 7.3.3
 *    doing the same (goal: <= 1 µs, and faster than both).
 * 3. Throughput and p99 for 1, 2, 4 … 256 async workers against the loopback server (another
 *    process: servers/ok-server.ts).
 * 4. `loadTest` with 64 workers against raw undici `Pool.request` with 64 connections driving the
 *    same server, interleaved rounds (goal >= 0.85×). Every row uses 64 connections in all; the
 *    baseline shares one Pool, while loadTest gives each worker its own client (so its own
 *    dispatcher with one busy connection): a row of 64 undici Pools of 1 connection shows what
 *    that topology costs by itself, and a row of 64 bare clients what the client costs, so the
 *    gap splits into undici topology, client, and loadTest. autocannon is an information row.
 *
 * `BENCH_SECTIONS=vs-undici pnpm bench workers` runs only the named sections (heap, overhead,
 * scaling, vs-undici).
 */
import { retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { createWorkerPool, loadTest, type WorkerPool } from '@sentinel/workers';
import autocannon from 'autocannon';
import { do_not_optimize } from 'mitata';
import pLimit from 'p-limit';
import PQueue from 'p-queue';
import { Pool } from 'undici';
import { type Reporter, table } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('heap figures need node --expose-gc (pnpm bench passes it)');
  gc();
  gc();
}

/** Retained heap per worker of a pool built by `create(count)`, measured around its creation. */
async function heapPerWorker(count: number, create: (count: number) => Promise<unknown>): Promise<number> {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = await create(count);
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  do_not_optimize(kept);
  return Math.max(0, (after - before) / count);
}

function fullStackClient(origin: string) {
  return createClient({
    baseUrl: origin,
    retry: retry({ maxAttempts: 3 }),
    breaker: circuitBreaker({ trigger: consecutive({ threshold: 5 }) }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 10, refillPerSecond: 10 }) }),
  });
}

async function heapSection(origin: string): Promise<void> {
  const count = 2_000;
  const pools: WorkerPool<unknown>[] = [];
  const keep = async <W>(pool: Promise<WorkerPool<W>>) => {
    const p = await pool;
    pools.push(p as WorkerPool<unknown>);
    return p;
  };
  const rows: [string, number][] = [
    [
      'pool slot only (setup returns {})',
      await heapPerWorker(count, (n) => keep(createWorkerPool({ workers: n, setup: () => ({}) }))),
    ],
    [
      'client alone, no pool (createClient, lazy Agent)',
      await heapPerWorker(count, async (n) => Array.from({ length: n }, () => createClient({ baseUrl: origin }))),
    ],
    [
      'client + retry + breaker + bucket, no pool',
      await heapPerWorker(count, async (n) => Array.from({ length: n }, () => fullStackClient(origin))),
    ],
    [
      'pool worker: client + retry + breaker + bucket + slot',
      await heapPerWorker(count, (n) =>
        keep(createWorkerPool({ workers: n, setup: () => ({ client: fullStackClient(origin) }) })),
      ),
    ],
  ];
  await Promise.all(pools.map((pool) => pool.close()));
  console.log(
    `\n### heap per async worker before its first request (${count.toLocaleString('en-US')} workers; goal <= 4 KB)\n`,
  );
  console.log(
    table(
      ['worker', 'bytes', 'KB'],
      rows.map(([name, bytes]) => [name, bytes.toFixed(0), (bytes / 1024).toFixed(2)]),
    ),
  );
}

async function overheadSection(report: Reporter): Promise<void> {
  const task = async () => 1;
  const pool = await createWorkerPool({ workers: 1, setup: () => ({}) });
  const pool8 = await createWorkerPool({ workers: 8, setup: () => ({}) });
  const queue = new PQueue({ concurrency: 1 });
  const queue8 = new PQueue({ concurrency: 8 });
  const limit = pLimit(1);
  const limit8 = pLimit(8);
  const timings = await report.compare(
    'pool.run overhead per task, sequential (one task at a time; vs a direct call)',
    { name: 'direct call: await task()', fn: () => task() },
    [
      { name: 'pool.run(task), 1 worker', fn: () => pool.run(task) },
      { name: 'p-queue 10.0.0 queue.add(task), concurrency 1', fn: () => queue.add(task) },
      { name: 'p-limit 7.3.3 limit(task), concurrency 1', fn: () => limit(task) },
    ],
  );
  const base = timings[0]?.medianNs ?? 0;
  console.log('');
  console.log(
    `overhead over the direct call: ${timings
      .slice(1)
      .map((t) => `${t.name.split(' ')[0]} ${((t.medianNs - base) / 1000).toFixed(3)} µs`)
      .join(', ')}`,
  );
  await cpuPerTask([
    ['direct call: await task()', () => task()],
    ['pool.run(task), 1 worker', () => pool.run(task)],
    ['p-queue 10.0.0 queue.add(task)', () => queue.add(task)],
    ['p-limit 7.3.3 limit(task)', () => limit(task)],
  ]);
  const batch = (run: () => Promise<unknown>) => () => Promise.all(Array.from({ length: 64 }, run));
  await report.compare(
    'a batch of 64 tasks through 8 workers / concurrency 8 (per batch; vs 64 direct calls)',
    { name: '64 direct calls (Promise.all)', fn: batch(task) },
    [
      { name: 'pool.run × 64, 8 workers', fn: batch(() => pool8.run(task)) },
      { name: 'p-queue 10.0.0 add × 64, concurrency 8', fn: batch(() => queue8.add(task)) },
      { name: 'p-limit 7.3.3 limit × 64, concurrency 8', fn: batch(() => limit8(task)) },
    ],
  );
  await Promise.all([pool.close(), pool8.close()]);
}

/**
 * CPU time per task (this process, user + system) in interleaved rounds: on a machine shared with
 * other jobs, wall time includes the time this process waited for a core; CPU time does not.
 */
async function cpuPerTask(cases: readonly [string, () => Promise<unknown>][]): Promise<void> {
  const perRound = 200_000;
  const rounds = 5;
  const samples: number[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const fn = (cases[index] as [string, () => Promise<unknown>])[1];
      const before = process.cpuUsage();
      for (let i = 0; i < perRound; i++) await fn();
      const used = process.cpuUsage(before);
      (samples[index] as number[]).push(((used.user + used.system) * 1000) / perRound);
    }
  }
  const medians = samples.map(median);
  const base = medians[0] as number;
  console.log(
    `\n### CPU per task, sequential (${rounds} interleaved rounds × ${perRound.toLocaleString('en-US')} tasks; medians)\n`,
  );
  console.log(
    table(
      ['case', 'CPU ns per task', 'overhead over the direct call'],
      cases.map(([name], i) => [
        name,
        (medians[i] as number).toFixed(0),
        i === 0 ? '—' : `${(((medians[i] as number) - base) / 1000).toFixed(3)} µs`,
      ]),
    ),
  );
}

async function scalingSection(url: string): Promise<void> {
  const rows: string[][] = [];
  let single = 0;
  for (const workers of [1, 2, 4, 8, 16, 32, 64, 128, 256]) {
    const report = await loadTest({ url, workers, durationMs: 1_500, warmup: { requestsPerWorker: 2 } });
    if (workers === 1) single = report.throughput;
    rows.push([
      String(workers),
      Math.round(report.throughput).toLocaleString('en-US'),
      `${(report.throughput / single).toFixed(2)}×`,
      report.latencyMs.p50.toFixed(2),
      report.latencyMs.p99.toFixed(2),
      (report.successRate * 100).toFixed(2),
    ]);
  }
  console.log('\n### async workers against the loopback server (closed model, 1.5 s each, after a warm-up)\n');
  console.log(table(['workers', 'req/s', 'vs 1 worker', 'p50 ms', 'p99 ms', 'success %'], rows));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

async function loadTestVsUndici(origin: string): Promise<void> {
  const url = `${origin}/items`;
  const workers = 64;
  const perWorker = 500;
  const total = workers * perWorker;
  const undici = new Pool(origin, { connections: workers });
  // loadTest's topology with raw undici: each worker owns its dispatcher (a client has its own
  // Agent) and uses one connection of it. Same 64 connections in all as the baseline.
  const perWorkerPools = Array.from({ length: workers }, () => new Pool(origin, { connections: 1 }));
  const clients = Array.from({ length: workers }, () => createClient());
  // Each run returns its throughput; CPU per request (this process) is measured around it.
  const cases: { name: string; run: () => Promise<number> }[] = [
    {
      name: 'undici Pool.request, 1 Pool × 64 connections, 64 concurrent loops (baseline)',
      run: async () => {
        let left = total;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: workers }, async () => {
            while (left > 0) {
              left--;
              const response = await undici.request({ path: '/items', method: 'GET' });
              await response.body.text();
            }
          }),
        );
        return total / ((performance.now() - started) / 1000);
      },
    },
    {
      name: 'undici Pool.request, 64 Pools × 1 connection, a loop each (loadTest’s topology)',
      run: async () => {
        const started = performance.now();
        await Promise.all(
          perWorkerPools.map(async (pool) => {
            for (let i = 0; i < perWorker; i++) {
              const response = await pool.request({ path: '/items', method: 'GET' });
              await response.body.text();
            }
          }),
        );
        return total / ((performance.now() - started) / 1000);
      },
    },
    {
      name: '64 createClient() clients, a loop each, no loadTest (what the client costs)',
      run: async () => {
        const started = performance.now();
        await Promise.all(
          clients.map(async (client) => {
            for (let i = 0; i < perWorker; i++) await client.get(url);
          }),
        );
        return total / ((performance.now() - started) / 1000);
      },
    },
    {
      name: 'loadTest, 64 workers (a client each), closed model',
      run: async () =>
        (await loadTest({ url, workers, requestsPerWorker: perWorker, warmup: { requestsPerWorker: 1 } })).throughput,
    },
    {
      name: 'autocannon 9.0.0, 64 connections (information)',
      run: async () => {
        const result = await autocannon({ url, connections: workers, amount: total });
        return result.requests.total / result.duration;
      },
    },
  ];
  const rounds = 5;
  const measured: number[][] = cases.map(() => []);
  const cpu: number[][] = cases.map(() => []);
  for (const item of cases) await item.run(); // warm-up
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const before = process.cpuUsage();
      (measured[index] as number[]).push(await (cases[index] as (typeof cases)[number]).run());
      const used = process.cpuUsage(before);
      (cpu[index] as number[]).push((used.user + used.system) / total);
    }
  }
  await Promise.all([undici.close(), ...perWorkerPools.map((pool) => pool.close()), ...clients.map((c) => c.close())]);
  const medians = measured.map(median);
  const cpuMedians = cpu.map(median);
  const base = medians[0] as number;
  const cpuBase = cpuMedians[0] as number;
  console.log(
    `\n### loadTest with 64 workers vs raw undici Pool.request (${total.toLocaleString('en-US')} requests a run, ${rounds} interleaved rounds, medians; goal >= 0.85×)\n`,
  );
  console.log(
    'CPU = this process per request over the whole run (loadTest: with building, warming and closing its 64 clients; autocannon: its own parser).\n',
  );
  console.log(
    table(
      ['driver', 'req/s', 'throughput ratio to undici', 'CPU µs per request', 'CPU ratio'],
      cases.map((item, i) => [
        item.name,
        Math.round(medians[i] as number).toLocaleString('en-US'),
        `${((medians[i] as number) / base).toFixed(3)}×`,
        (cpuMedians[i] as number).toFixed(1),
        `${((cpuMedians[i] as number) / cpuBase).toFixed(3)}×`,
      ]),
    ),
  );
}

export default async function workersSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  const sections = process.env.BENCH_SECTIONS?.split(',');
  const wanted = (name: string) => sections === undefined || sections.includes(name);
  try {
    if (wanted('heap')) await heapSection(server.url);
    if (wanted('overhead')) await overheadSection(report);
    if (wanted('scaling')) await scalingSection(`${server.url}/items`);
    if (wanted('vs-undici')) await loadTestVsUndici(server.url);
  } finally {
    await server.close();
  }
}
