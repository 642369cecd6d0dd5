/**
 * `client`: @sentinel/client against raw undici and the popular clients, on loopback, with the
 * server in a separate process (this file forks itself with `--sentinel-bench-server`), so the
 * client under test never shares its event loop with the server.
 *
 * Concurrency 1 and 64; every case runs in each round, in a rotated order (interleaved), and
 * the table shows the median over rounds of the per-request time, with its ratio to raw
 * undici `Pool.request`. Throughput ratio = 1 / time ratio ("≥ 0.90× raw undici" means a time
 * ratio ≤ 1.11).
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, Agent as HttpAgent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { Client, Pool, request as undiciRequest } from 'undici';
import type { Reporter } from '../harness.ts';

const SERVER_FLAG = '--sentinel-bench-server';

// Child mode: a minimal keep-alive server; reports its port over IPC, exits on disconnect.
if (process.argv.includes(SERVER_FLAG)) {
  const body = Buffer.from('{"ok":true}');
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send?.({ port: typeof address === 'object' && address !== null ? address.port : 0 });
  });
  process.on('disconnect', () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

interface Case {
  readonly name: string;
  readonly fn: () => Promise<unknown>;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `total` requests with `concurrency` workers; returns wall and CPU (this process) ms per request. */
async function run(fn: () => Promise<unknown>, total: number, concurrency: number): Promise<[number, number]> {
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      await fn();
    }
  };
  const cpu = process.cpuUsage();
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = (performance.now() - started) / total;
  const used = process.cpuUsage(cpu);
  return [wall, (used.user + used.system) / 1000 / total];
}

async function compareAt(
  title: string,
  concurrency: number,
  cases: readonly Case[],
  rounds: number,
  perRound: number,
): Promise<void> {
  for (const item of cases) await run(item.fn, Math.min(perRound, 500), concurrency);
  global.gc?.();
  const times: number[][] = cases.map(() => []);
  const cpus: number[][] = cases.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const [wall, cpu] = await run((cases[index] as Case).fn, perRound, concurrency);
      (times[index] as number[]).push(wall);
      (cpus[index] as number[]).push(cpu);
    }
  }
  const medians = times.map(median);
  const cpuMedians = cpus.map(median);
  const base = medians[0] as number;
  const cpuBase = cpuMedians[0] as number;
  console.log(`\n### ${title}\n`);
  console.log(
    `${rounds} interleaved rounds × ${perRound} requests per case at concurrency ${concurrency}; medians. ` +
      'Throughput = baseline time / case time. CPU = this process per request (the client side), least disturbed by other load.\n',
  );
  console.log('| case | wall per request | requests/s | throughput vs raw undici | CPU per request | CPU ratio |');
  console.log('|:--|--:|--:|--:|--:|--:|');
  cases.forEach((item, i) => {
    const ms = medians[i] as number;
    const cpu = cpuMedians[i] as number;
    console.log(
      `| ${item.name}${i === 0 ? ' (baseline)' : ''} | ${(ms * 1000).toFixed(1)} µs | ${Math.round(1000 / ms).toLocaleString('en')} | ${(base / ms).toFixed(2)}× | ${(cpu * 1000).toFixed(1)} µs | ${(cpu / cpuBase).toFixed(2)}× |`,
    );
  });
}

export default async function clientSuite(report: Reporter): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), [SERVER_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  const origin = `http://127.0.0.1:${message.port}`;
  const url = `${origin}/items`;
  const CONNECTIONS = 64;

  const pool = new Pool(origin, { connections: CONNECTIONS });
  const bare = createClient({ baseUrl: origin, connections: CONNECTIONS });
  const full = createClient({
    baseUrl: origin,
    connections: CONNECTIONS,
    retry: retry({ maxAttempts: 3, backoff: constant(10) }),
    breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
  });
  const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS });
  const axiosClient = axios.create({ httpAgent: keepAlive });
  const gotClient = got.extend({ agent: { http: keepAlive }, retry: { limit: 0 } });
  const kyClient = ky.create({ retry: 0 });

  const cases: Case[] = [
    {
      name: 'undici Pool.request',
      fn: () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
    },
    { name: 'sentinel full stack (retry + breaker + bucket)', fn: () => full.get('/items').then((r) => r.text()) },
    { name: 'sentinel, no policies', fn: () => bare.get('/items').then((r) => r.text()) },
    { name: 'undici.request', fn: () => undiciRequest(url).then((r) => r.body.text()) },
    { name: 'fetch', fn: () => fetch(url).then((r) => r.text()) },
    { name: 'axios 1.21.1', fn: () => axiosClient.get(url, { responseType: 'text' }) },
    { name: 'got 14.6.6', fn: () => gotClient.get(url).text() },
    { name: 'ky 1.14.3', fn: () => kyClient.get(url).text() },
  ];

  try {
    await compareAt('GET round trip, concurrency 1', 1, cases, 7, 400);
    await compareAt('GET round trip, concurrency 64', 64, cases, 7, 2_000);
  } finally {
    await Promise.all([pool.close(), bare.close(), full.close()]);
    keepAlive.destroy();
    const exited = once(child, 'exit');
    child.disconnect();
    await exited;
  }

  report.heap(
    'heap per client before its first request',
    [
      { name: 'undici Client alone', create: () => new Client(origin) },
      {
        name: 'createClient({ dispatcher: new Client(origin) })',
        create: () => createClient({ dispatcher: new Client(origin) }),
      },
      { name: 'createClient({ connections: 1 }) (lazy Agent)', create: () => createClient({ connections: 1 }) },
      {
        name: 'createClient full stack on a Client',
        create: () =>
          createClient({
            dispatcher: new Client(origin),
            retry: retry({ maxAttempts: 3 }),
            breaker: () => circuitBreaker({}),
            rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 10, refillPerSecond: 10 }) }),
          }),
      },
    ],
    2_000,
  );
}
