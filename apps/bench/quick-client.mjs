// Temporary (not committed): interleaved CPU/request of pool, bare and full at concurrency c.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { Agent, Pool } from 'undici';

const child = fork(new URL('./src/servers/ok-server.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port }] = await once(child, 'message');
const origin = `http://127.0.0.1:${port}`;
const conc = Number(process.argv[2] ?? 64);
const per = Number(process.argv[3] ?? 10000);
const rounds = Number(process.argv[4] ?? 7);
const pool = new Pool(origin, { connections: 64 });
const pool2 = new Pool(origin, { connections: 64 });
const agent = new Agent({ connections: 64 });
const bare = createClient({ baseUrl: origin, connections: 64 });
const full = createClient({
  baseUrl: origin,
  connections: 64,
  retry: retry({ maxAttempts: 3, backoff: constant(10) }),
  breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
  rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
});
const cases = {
  pool: () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
  poolHdr: () => pool2.request({ path: '/items', method: 'GET', headers: ['accept-encoding', 'gzip, deflate, br'] }).then((r) => r.body.text()),
  agentHdr: () => agent.request({ origin, path: '/items', method: 'GET', headers: ['accept-encoding', 'gzip, deflate, br'], headersTimeout: 30000, bodyTimeout: 30000 }).then((r) => r.body.text()),
  bare: () => bare.get('/items').then((r) => r.text()),
  full: () => full.get('/items').then((r) => r.text()),
};
async function run(fn, n) {
  if (conc <= 1) { for (let i = 0; i < n; i++) await fn(); return; }
  let started = 0;
  const worker = async () => { while (started < n) { started++; await fn(); } };
  await Promise.all(Array.from({ length: conc }, worker));
}
const names = Object.keys(cases);
for (const n of names) await run(cases[n], 3000);
const cpu = Object.fromEntries(names.map((n) => [n, []]));
for (let r = 0; r < rounds; r++) {
  for (let k = 0; k < names.length; k++) {
    const n = names[(k + r) % names.length];
    const c = process.cpuUsage();
    await run(cases[n], per);
    const u = process.cpuUsage(c);
    cpu[n].push((u.user + u.system) / per);
  }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const base = med(cpu.pool);
console.log(`c=${conc}`, names.map((n) => `${n} ${med(cpu[n]).toFixed(1)}µs ${(med(cpu[n]) / base).toFixed(3)}×`).join(' | '));
child.disconnect();
process.exit(0);
