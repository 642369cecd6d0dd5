/**
 * `cli-load`: the `http-sentinel load` command (the built bin, in its own process, production preset:
 * retry + breaker + timeouts per worker) against raw undici `Pool.request` and autocannon, all
 * driving the same keep-alive server in another process (servers/ok-server.ts) with 64 workers
 * (connections) and the same number of requests.
 *
 * Like with like: the CLI starts a fresh process each run (cold JIT, new connections, its own
 * share of the cores), so its baseline is raw undici run the same way — a fresh `node` process
 * with a new Pool of 64 connections, timed from its first request as the CLI times its run.
 * Raw undici inside this (warm) process is the baseline of the in-process rows. The CLI also
 * runs with `--preset development` (retry only, no breaker) to show what the default preset's
 * layers cost.
 *
 * Rounds are interleaved (each round runs every case, in a rotated order). The ratio to raw
 * undici is taken per round, each case against its baseline from the same round (the two ran
 * seconds apart, so they saw about the same machine: this VM's speed swings by a third between
 * runs), and the table gives the median and the range of those ratios over rounds next to the
 * median throughput and p99. The goal is >= 0.85× raw undici's throughput. autocannon is an
 * information row (it is a load generator with its own HTTP/1.1 client, not a resilient client).
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as hdr from 'hdr-histogram-js';
import { createResilientClient, loadTest } from 'http-sentinel';
import { Pool } from 'undici';
import type { Reporter } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

const WORKERS = 64;
const PER_WORKER = 1_000;
const ROUNDS = 7;

interface Sample {
  readonly rps: number;
  readonly p99Ms: number;
}

type Autocannon = (options: { url: string; connections: number; amount: number; pipelining: number }) => Promise<{
  requests: { total: number };
  latency: { p99: number };
  duration: number;
  errors: number;
  non2xx: number;
}>;

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;
const run = promisify(execFile);
const bin = join(dirname(require.resolve('http-sentinel/package.json')), 'dist', 'cli.js');

async function rawUndici(url: string): Promise<Sample> {
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections: WORKERS });
  const histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
  try {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        for (let i = 0; i < PER_WORKER; i++) {
          const t0 = performance.now();
          const response = await pool.request({ path: '/items', method: 'GET' });
          await response.body.text();
          histogram.recordValue(Math.round((performance.now() - t0) * 1_000));
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { rps: (WORKERS * PER_WORKER) / seconds, p99Ms: histogram.getValueAtPercentile(99) / 1_000 };
  } finally {
    histogram.destroy();
    await pool.close();
  }
}

// The rawUndici loop as a script for a fresh process; prints its Sample as JSON.
const RAW_UNDICI_SCRIPT = `
import { Pool } from 'undici';
import * as hdr from 'hdr-histogram-js';
const [url, workers, perWorker] = process.argv.slice(1);
const pool = new Pool(new URL(url).origin, { connections: Number(workers) });
const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
const path = new URL(url).pathname;
const started = performance.now();
await Promise.all(Array.from({ length: Number(workers) }, async () => {
  for (let i = 0; i < Number(perWorker); i++) {
    const t0 = performance.now();
    const response = await pool.request({ path, method: 'GET' });
    await response.body.text();
    histogram.recordValue(Math.round((performance.now() - t0) * 1_000));
  }
}));
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ rps: (Number(workers) * Number(perWorker)) / seconds, p99Ms: histogram.getValueAtPercentile(99) / 1_000 }));
await pool.close();
`;

/** Raw undici in a fresh process, as the CLI runs: the CLI rows' baseline. */
async function rawUndiciProcess(url: string): Promise<Sample> {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', RAW_UNDICI_SCRIPT, `${url}/items`, String(WORKERS), String(PER_WORKER)],
    // From this package's folder, so `undici` and `hdr-histogram-js` resolve to the bench's own.
    { cwd: fileURLToPath(new URL('../..', import.meta.url)) },
  );
  return JSON.parse(stdout) as Sample;
}

const sentinelCli = (preset: string) => async (url: string) => {
  const { stdout } = await run(
    bin,
    ['load', `${url}/items`, '-w', String(WORKERS), '-n', String(PER_WORKER), '--preset', preset, '--json'],
    {
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, NO_COLOR: '1' },
    },
  );
  const report = JSON.parse(stdout) as { throughput: number; latencyMs: { p99: number }; successRate: number };
  if (report.successRate !== 1) throw new Error(`http-sentinel load: success rate ${report.successRate}`);
  return { rps: report.throughput, p99Ms: report.latencyMs.p99 } satisfies Sample;
};

/** The same load test in this process: what the CLI costs on top of the library. */
async function inProcess(url: string): Promise<Sample> {
  const report = await loadTest({
    url: `${url}/items`,
    workers: WORKERS,
    requestsPerWorker: PER_WORKER,
    setup: () => ({ client: createResilientClient({ preset: 'production' }) }),
  });
  if (report.successRate !== 1) throw new Error(`loadTest: success rate ${report.successRate}`);
  return { rps: report.throughput, p99Ms: report.latencyMs.p99 };
}

async function autocannonRow(url: string): Promise<Sample> {
  const result = await autocannon({
    url: `${url}/items`,
    connections: WORKERS,
    amount: WORKERS * PER_WORKER,
    pipelining: 1,
  });
  if (result.errors > 0 || result.non2xx > 0)
    throw new Error(`autocannon: ${result.errors} errors, ${result.non2xx} non-2xx`);
  return { rps: result.requests.total / result.duration, p99Ms: result.latency.p99 };
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

// Prints its own table: the harness's timers measure calls in this process, and the CLI runs in another.
export default async function cliSuite(_report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  // `base`: the row whose throughput is the case's 1.00× (a fresh process for the CLI rows).
  const cases: { name: string; fn: (url: string) => Promise<Sample>; base: number }[] = [
    { name: 'raw undici Pool.request (64 connections), in this process', fn: rawUndici, base: 0 },
    { name: 'raw undici Pool.request (64 connections), a fresh process', fn: rawUndiciProcess, base: 1 },
    {
      name: `http-sentinel load -w ${WORKERS} (production preset, the default; own process)`,
      fn: sentinelCli('production'),
      base: 1,
    },
    {
      name: `http-sentinel load -w ${WORKERS} --preset development (retry only, no breaker)`,
      fn: sentinelCli('development'),
      base: 1,
    },
    { name: 'loadTest + createResilientClient (production), in this process', fn: inProcess, base: 0 },
    { name: 'autocannon 9.0.0, in this process (information)', fn: autocannonRow, base: 0 },
  ];
  const samples: Sample[][] = cases.map(() => []);
  try {
    for (const c of cases) await c.fn(server.url); // warm-up: JIT, connections, the server
    for (let round = 0; round < ROUNDS; round++) {
      for (let k = 0; k < cases.length; k++) {
        const index = (k + round) % cases.length;
        (samples[index] as Sample[]).push(await (cases[index] as (typeof cases)[number]).fn(server.url));
      }
    }
  } finally {
    await server.close();
  }
  const column = (i: number) => samples[i] as Sample[];
  // Per-round ratios: case i's sample of round r over its baseline's sample of the same round.
  const ratios = (i: number, pick: (s: Sample) => number) =>
    column(i).map((s, r) => pick(s) / pick(column(cases[i]?.base ?? 0)[r] as Sample));
  console.log(
    `\n### http-sentinel load vs raw undici and autocannon: ${WORKERS} workers × ${PER_WORKER} requests, ${ROUNDS} interleaved rounds\n`,
  );
  console.log(
    'Each row is compared with raw undici run the same way (in a fresh process, or in this one), round by round; ' +
      'the ratios are medians of the per-round ratios, with their range.\n',
  );
  console.log(
    '| case | req/s (median) | p99 (median) | req/s vs undici | range over rounds | p99 vs undici | baseline |',
  );
  console.log('|:--|--:|--:|--:|--:|--:|:--|');
  cases.forEach((c, i) => {
    const rps = ratios(i, (s) => s.rps);
    const p99 = ratios(i, (s) => s.p99Ms);
    const base = cases[c.base] as (typeof cases)[number];
    console.log(
      `| ${c.name} | ${Math.round(median(column(i).map((s) => s.rps))).toLocaleString('en-US')} | ${median(column(i).map((s) => s.p99Ms)).toFixed(2)} ms | ${median(rps).toFixed(2)}× | ${Math.min(...rps).toFixed(2)}–${Math.max(...rps).toFixed(2)}× | ${median(p99).toFixed(2)}× | ${base === c ? '—' : base.name.replace('raw undici Pool.request (64 connections), ', '')} |`,
    );
  });
}
