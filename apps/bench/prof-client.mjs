// Temporary profiling driver (not committed): full-stack client vs raw Pool, server in a child process.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { Pool } from 'undici';

const child = fork(new URL('./src/servers/ok-server.ts', import.meta.url), { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const [{ port }] = await once(child, 'message');
const origin = `http://127.0.0.1:${port}`;
const which = process.argv[2] ?? 'full';
const conc = Number(process.argv[3] ?? 64);
const total = Number(process.argv[4] ?? 100000);
let fn;
if (which === 'pool') {
  const pool = new Pool(origin, { connections: 64 });
  fn = () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text());
} else if (which === 'bare') {
  const bare = createClient({ baseUrl: origin, connections: 64 });
  fn = () => bare.get('/items').then((r) => r.text());
} else {
  const full = createClient({
    baseUrl: origin,
    connections: 64,
    retry: retry({ maxAttempts: 3, backoff: constant(10) }),
    breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
  });
  fn = () => full.get('/items').then((r) => r.text());
}
async function run(n) {
  let started = 0;
  const worker = async () => { while (started < n) { started++; await fn(); } };
  await Promise.all(Array.from({ length: conc }, worker));
}
await run(5000);
const cpu = process.cpuUsage();
const t = performance.now();
await run(total);
const used = process.cpuUsage(cpu);
console.log(which, 'c=', conc, 'cpu/req µs', ((used.user + used.system) / total).toFixed(2), 'wall/req µs', (((performance.now() - t) * 1000) / total).toFixed(2));
child.disconnect();
process.exit(0);
