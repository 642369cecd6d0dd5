/**
 * `pnpm soak` (not part of `pnpm test`): the seed's "0 segfaults in 1M+ requests", on loopback.
 *
 * 1. The seed's full load test: 100 workers × 1,000 requests (loadTest, one client per worker).
 * 2. 1,000,000 requests in 20 bounded slices of 50,000 through one pool of 64 workers (pool.map
 *    over a lazy generator), each worker with its own client, retry, breaker and token bucket.
 *
 * The chaos server runs in a child process with 10 % transient faults (503s and resets). After
 * each slice it prints requests, success rate, heap after a forced GC, open handles and sockets.
 * It fails (exit 1) unless: no crash (uncaught exception, unhandled rejection, worker error),
 * success >= 99.9 % overall, and the last slice's heap within 10 % of the second slice's.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, countWindow } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { createWorkerPool, formatReport, loadTest } from '@sentinel/workers';
import { spawnServer } from '../servers/spawn.ts';

// Overridable for a quick check of the script itself (SOAK_SLICES=3 SOAK_PER_SLICE=2000 SOAK_SEED_PER_WORKER=10);
// the figures in the README come from the defaults.
const SLICES = Number(process.env.SOAK_SLICES ?? 20);
const PER_SLICE = Number(process.env.SOAK_PER_SLICE ?? 50_000);
const SEED_PER_WORKER = Number(process.env.SOAK_SEED_PER_WORKER ?? 1_000);
const POOL_WORKERS = 64;

let crashes = 0;
process.on('uncaughtException', (error) => {
  crashes++;
  console.error('uncaught exception:', error);
});
process.on('unhandledRejection', (error) => {
  crashes++;
  console.error('unhandled rejection:', error);
});

function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the soak needs node --expose-gc (pnpm soak passes it)');
  gc();
  gc();
}

/**
 * Open handles (ref'd, as Node lists them) and open sockets. Idle keep-alive sockets are unref'd
 * by undici and missing from Node's list, so sockets are counted from the file descriptors
 * (Linux); the IPC channel to the server process is one of them.
 */
function resources(): { handles: number; sockets: number } {
  let sockets = 0;
  try {
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed while listing
      }
    }
  } catch {
    sockets = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  }
  return { handles: process.getActiveResourcesInfo().length, sockets };
}

const mib = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MiB`;

function policies() {
  return {
    retry: retry({ maxAttempts: 5, backoff: fullJitter(exponential({ initialMs: 1, maxMs: 20 })) }),
    breaker: () =>
      circuitBreaker({ trigger: countWindow({ size: 100, failureRate: 0.5, minimumCalls: 50 }), halfOpenAfter: 1_000 }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1_000, refillPerSecond: 1_000_000 }) }),
  };
}

const server = await spawnServer('chaos-server');
const baseline = resources();
const started = performance.now();
let ok = true;
try {
  console.log(`# soak — node ${process.version}, chaos server ${server.url} (10 % transient faults)\n`);

  console.log(`## 1. the seed load test: 100 workers × ${SEED_PER_WORKER.toLocaleString('en-US')} requests\n`);
  const seed = await loadTest({
    url: `${server.url}/seed`,
    workers: 100,
    requestsPerWorker: SEED_PER_WORKER,
    clientOptions: () => ({ ...policies(), connections: 1 }),
  });
  console.log(formatReport(seed));
  console.log('');
  if (seed.successRate < 0.999) ok = false;

  console.log(
    `## 2. ${(SLICES * PER_SLICE).toLocaleString('en-US')} requests in ${SLICES} slices through one pool of ${POOL_WORKERS} workers\n`,
  );
  const pool = await createWorkerPool({
    workers: POOL_WORKERS,
    setup: () => ({ client: createClient({ baseUrl: server.url, connections: 1, ...policies() }) }),
  });
  let workerErrors = 0;
  pool.onWorkerError(() => workerErrors++);
  const heaps: number[] = [];
  let total = 0;
  let succeeded = 0;
  console.log('| slice | requests | success | heap after GC | open handles | sockets | req/s |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|');
  for (let slice = 0; slice < SLICES; slice++) {
    function* paths() {
      for (let i = 0; i < PER_SLICE; i++) yield `/item/${slice}/${i}`;
    }
    const sliceStart = performance.now();
    let sliceOk = 0;
    let sliceCount = 0;
    for await (const result of pool.map(paths(), async (path, { client }, ctx) => {
      const response = await client.get(path, { signal: ctx.signal });
      await response.bytes();
      return response.status;
    })) {
      sliceCount++;
      if (result.ok) sliceOk++;
    }
    const seconds = (performance.now() - sliceStart) / 1000;
    total += sliceCount;
    succeeded += sliceOk;
    collectGarbage();
    const heap = process.memoryUsage().heapUsed;
    heaps.push(heap);
    const { handles, sockets } = resources();
    console.log(
      `| ${slice + 1} | ${sliceCount.toLocaleString('en-US')} | ${((sliceOk / sliceCount) * 100).toFixed(3)} % | ${mib(heap)} | ${handles} | ${sockets} | ${Math.round(sliceCount / seconds).toLocaleString('en-US')} |`,
    );
  }
  const stats = pool.stats();
  await pool.close();
  collectGarbage();
  const after = resources();
  const second = heaps[1] as number;
  const last = heaps.at(-1) as number;
  const drift = (last - second) / second;
  const rate = succeeded / total;
  console.log('');
  console.log(
    `pool: ${stats.completed.toLocaleString('en-US')} tasks completed, ${stats.failed} failed, wait p99 ${stats.waitMs.p99} ms, run p99 ${stats.runMs.p99} ms`,
  );
  console.log(`after close: ${after.handles} open handles, ${after.sockets} sockets`);
  console.log('');
  const checks: [string, boolean][] = [
    [`crashes: ${crashes + workerErrors} (must be 0)`, crashes + workerErrors === 0],
    [
      `requests: ${total.toLocaleString('en-US')} (must be ${(SLICES * PER_SLICE).toLocaleString('en-US')})`,
      total === SLICES * PER_SLICE,
    ],
    [`success: ${(rate * 100).toFixed(4)} % (must be >= 99.9 %)`, rate >= 0.999],
    [`seed load test success: ${(seed.successRate * 100).toFixed(4)} % (must be >= 99.9 %)`, seed.successRate >= 0.999],
    [
      `heap: last slice ${mib(last)} vs second ${mib(second)}, ${(drift * 100).toFixed(1)} % (must be within 10 %)`,
      Math.abs(drift) <= 0.1,
    ],
    [
      `sockets after close: ${after.sockets} (must be ${baseline.sockets}, as before the pool: the IPC channel to the server)`,
      after.sockets <= baseline.sockets,
    ],
  ];
  for (const [text, pass] of checks) {
    console.log(`${pass ? 'PASS' : 'FAIL'}  ${text}`);
    if (!pass) ok = false;
  }
} finally {
  await server.close();
}
console.log(`\nsoak ${ok ? 'passed' : 'FAILED'} in ${((performance.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = ok ? 0 : 1;
