import { createClient } from '@sentinel/client';
import { loadTest } from '@sentinel/workers';
import { Agent, Pool } from 'undici';
import { spawnServer } from './servers/spawn.ts';

const server = await spawnServer('ok-server');
const url = `${server.url}/items`;
const W = 64,
  PER = 250,
  TOTAL = W * PER;
const undici = new Pool(server.url, { connections: W });
const clients = Array.from({ length: W }, () => createClient({ baseUrl: server.url }));
const agents = Array.from({ length: W }, () => new Agent({ connections: 1 }));
const loops = async (fn: (i: number) => Promise<unknown>) => {
  let left = TOTAL;
  await Promise.all(
    Array.from({ length: W }, async (_, i) => {
      while (left > 0) {
        left--;
        await fn(i);
      }
    }),
  );
  return 0;
};
const cases: Record<string, () => Promise<number>> = {
  undiciPool: () => loops(() => undici.request({ path: '/items', method: 'GET' }).then((r) => r.body.text())),
  agentPerWorker: () =>
    loops((i) => agents[i]!.request({ origin: server.url, path: '/items', method: 'GET' }).then((r) => r.body.text())),
  clientPerWorker: () => loops((i) => clients[i]!.get('/items').then((r) => r.text())),
  clientPerWorkerSignal: () =>
    loops((i) => {
      const c = new AbortController();
      return clients[i]!.get('/items', { signal: c.signal }).then((r) => r.text());
    }),
  loadTestUndici: async () =>
    (
      await loadTest({
        workers: W,
        requestsPerWorker: PER,
        request: () => undici.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
      })
    ).throughput,
  loadTest: async () =>
    (await loadTest({ url, workers: W, requestsPerWorker: PER, warmup: { requestsPerWorker: 1 } })).throughput,
};
for (const round of [0, 1, 2]) {
  const row: string[] = [];
  for (const [name, fn] of Object.entries(cases)) {
    const c = process.cpuUsage();
    await fn();
    const u = process.cpuUsage(c);
    row.push(`${name}=${((u.user + u.system) / TOTAL).toFixed(1)}µs`);
  }
  console.log(round, row.join(' '));
}
await undici.close();
await Promise.all(clients.map((c) => c.close()));
await Promise.all(agents.map((a) => a.close()));
await server.close();
