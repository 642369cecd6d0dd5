import { createClient } from '@sentinel/client';
import { loadTest } from '@sentinel/workers';
import { spawnServer } from './servers/spawn.ts';
const server = await spawnServer('ok-server');
const url = `${server.url}/items`;
const mode = process.argv[2] ?? 'lt';
const N = Number(process.env.N ?? 1000);
const clients = Array.from({ length: 64 }, () => createClient());
async function once() {
  if (mode === 'lt') return loadTest({ url, workers: 64, requestsPerWorker: N, warmup: { requestsPerWorker: 1 } });
  await Promise.all(clients.map(async (c) => { for (let i = 0; i < N; i++) await c.get(url); }));
}
await once();
const c0 = process.cpuUsage(); const t0 = performance.now();
for (let r = 0; r < 3; r++) await once();
const c = process.cpuUsage(c0); const t = performance.now() - t0;
const total = 3 * 64 * N;
console.log(mode, 'cpu/req µs', ((c.user + c.system) / total).toFixed(2), 'wall/req', (t * 1000 / total).toFixed(2));
await Promise.all(clients.map((c) => c.close()));
await server.close();
