/**
 * `client`: @sentinel/client against raw undici and the popular clients, on loopback, with the
 * server in a separate process (servers/ok-server.ts), so the client under test never shares its
 * event loop with the server.
 *
 * Concurrency 1 and 64; every case runs in each round, in a rotated order (interleaved), and
 * the table shows the median over rounds of the per-request time, with its ratio to raw
 * undici `Pool.request`. Throughput ratio = 1 / time ratio ("≥ 0.90× raw undici" means a time
 * ratio ≤ 1.11).
 *
 * CPU per request is `process.cpuUsage()` (user + system) of this process over a round, divided
 * by its requests. The server runs in its own process, so none of its work is counted: what is
 * left is the client side only (undici, the client and its policies, the socket system calls, GC).
 * Two control rows make the ratios readable on a busy machine: a second, identical `Pool`
 * (A/A: how far two runs of the same code drift in this run), and an undici `Agent` sending what
 * the client sends by default (its `accept-encoding` header and explicit timeouts), which is the
 * floor the client stands on before any code of its own runs.
 *
 * The goal rows (full stack CPU per request ≤ 1.10× raw `Pool.request` at concurrency 64 and 1)
 * are then measured again with `pairedCpu` (A-B-B-A per round, median of per-round ratios), which
 * holds up on a shared machine whose load swings within a run. `SENTINEL_BENCH_CLIENT_BEFORE=<path
 * to another build's index.js>` adds that build's full stack as a row (a before/after comparison
 * in one run).
 */
import { Agent as HttpAgent } from 'node:http';
import { pathToFileURL } from 'node:url';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios from 'axios';
import got from 'got';
import ky from 'ky';
import { Agent, Client, type Dispatcher, Pool, request as undiciRequest } from 'undici';
import type { AsyncCase, Reporter } from '../harness.ts';
import { pairedCpu } from '../paired-cpu.ts';
import { spawnServer } from '../servers/spawn.ts';

export default async function clientSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  const origin = server.url;
  const url = `${origin}/items`;
  const CONNECTIONS = 64;

  const pool = new Pool(origin, { connections: CONNECTIONS });
  const control = new Pool(origin, { connections: CONNECTIONS });
  const agent = new Agent({ connections: CONNECTIONS });
  // What the client hands undici for a GET with default options.
  const clientLike: Dispatcher.RequestOptions = {
    origin,
    path: '/items',
    method: 'GET',
    headers: ['accept-encoding', 'gzip, deflate, br'],
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  };
  const fullOptions = (): Parameters<typeof createClient>[0] => ({
    baseUrl: origin,
    connections: CONNECTIONS,
    retry: retry({ maxAttempts: 3, backoff: constant(10) }),
    breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
  });
  const bare = createClient({ baseUrl: origin, connections: CONNECTIONS });
  const full = createClient(fullOptions());
  const beforePath = process.env.SENTINEL_BENCH_CLIENT_BEFORE;
  const before =
    beforePath === undefined || beforePath === ''
      ? undefined
      : ((await import(pathToFileURL(beforePath).href)) as { createClient: typeof createClient }).createClient(
          fullOptions(),
        );
  const keepAlive = new HttpAgent({ keepAlive: true, maxSockets: CONNECTIONS });
  const axiosClient = axios.create({ httpAgent: keepAlive });
  const gotClient = got.extend({ agent: { http: keepAlive }, retry: { limit: 0 } });
  const kyClient = ky.create({ retry: 0 });

  const cases: AsyncCase[] = [
    {
      name: 'undici Pool.request',
      fn: () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
    },
    {
      name: 'undici Pool.request, a second Pool (A/A control)',
      fn: () => control.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
    },
    {
      name: "undici Agent.request with the client's header and timeouts",
      fn: () => agent.request(clientLike).then((r) => r.body.text()),
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
    const [baseline, ...others] = cases as [AsyncCase, ...AsyncCase[]];
    await report.interleaved('GET round trip, concurrency 1 (vs raw undici Pool.request)', baseline, others, {
      rounds: 7,
      iterations: 400,
      warmup: 400,
    });
    await report.interleaved('GET round trip, concurrency 64 (vs raw undici Pool.request)', baseline, others, {
      rounds: 7,
      iterations: 2_000,
      warmup: 500,
      concurrency: 64,
    });
    const goal = cases.filter((c) => /A\/A|Agent\.request|sentinel/.test(c.name));
    if (before !== undefined) {
      goal.push({
        name: `sentinel full stack, build at ${beforePath}`,
        fn: () => before.get('/items').then((r) => r.text()),
      });
    }
    const print = (text: string) => console.log(text);
    await pairedCpu(print, 'CPU per request, paired with Pool.request, concurrency 64', baseline, goal, {
      rounds: 11,
      iterations: 1_000,
      concurrency: 64,
    });
    await pairedCpu(print, 'CPU per request, paired with Pool.request, concurrency 1', baseline, goal, {
      rounds: 11,
      iterations: 300,
    });
  } finally {
    await Promise.all([pool.close(), control.close(), agent.close(), bare.close(), full.close(), before?.close()]);
    keepAlive.destroy();
    await server.close();
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
