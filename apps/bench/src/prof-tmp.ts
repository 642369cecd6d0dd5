import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { Pool } from 'undici';
import { spawnServer } from './servers/spawn.ts';
const server = await spawnServer('ok-server');
const origin = server.url;
const mode = process.argv[2] ?? 'full';
const pool = new Pool(origin, { connections: 64 });
const full = createClient({
  baseUrl: origin, connections: 64,
  retry: retry({ maxAttempts: 3, backoff: constant(10) }),
  breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
  rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
});
const bare = createClient({ baseUrl: origin, connections: 64 });
const fn = mode === 'undici' ? () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text())
  : mode === 'bare' ? () => bare.get('/items').then((r) => r.text()) : () => full.get('/items').then((r) => r.text());
async function run(n: number) {
  let i = 0;
  await Promise.all(Array.from({ length: 64 }, async () => { while (i++ < n) await fn(); }));
}
await run(20000);
const c0 = process.cpuUsage(); const t0 = performance.now();
await run(Number(process.env.N ?? 100000));
const c = process.cpuUsage(c0); const t = performance.now() - t0;
console.log(mode, 'cpu/req µs', ((c.user + c.system) / Number(process.env.N ?? 100000)).toFixed(2), 'wall/req', (t * 1000 / Number(process.env.N ?? 100000)).toFixed(2));
await Promise.all([pool.close(), full.close(), bare.close()]);
await server.close();
