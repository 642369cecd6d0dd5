// The baseline process for profiling `http-sentinel load` against raw undici (see
// per-request-diff.ts): `workers` loops of `requestsPerWorker` GETs through one undici Pool with
// `workers` connections, after an optional warm-up of `warmupMs` (as `load --warmup`). Plain JS,
// so it runs as a fresh `node` process like the CLI. Prints the timed run's requests per second
// and the process's CPU time per request in µs (steadier than throughput on a shared VM).
//
//   node --cpu-prof apps/bench/src/profile/raw-undici.mjs http://127.0.0.1:PORT/items 64 3000 3000
import { Pool } from 'undici';

const [url, workersArg = '64', perWorkerArg = '1000', warmupArg = '0'] = process.argv.slice(2);
if (url === undefined) throw new Error('usage: raw-undici.mjs <url> [workers] [requestsPerWorker] [warmupMs]');
const workers = Number(workersArg);
const perWorker = Number(perWorkerArg);
const { origin, pathname } = new URL(url);
const pool = new Pool(origin, { connections: workers });

async function get() {
  const response = await pool.request({ path: pathname, method: 'GET' });
  await response.body.text();
}

const warmUntil = performance.now() + Number(warmupArg);
await Promise.all(
  Array.from({ length: workers }, async () => {
    while (performance.now() < warmUntil) await get();
  }),
);
const cpu0 = process.cpuUsage();
const started = performance.now();
await Promise.all(
  Array.from({ length: workers }, async () => {
    for (let i = 0; i < perWorker; i++) await get();
  }),
);
const elapsedMs = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const requests = workers * perWorker;
console.log(Math.round((requests * 1000) / elapsedMs), ((cpu.user + cpu.system) / requests).toFixed(1));
await pool.close();
