// Temporary (not committed): client overhead over a fake dispatcher (no network).
import { Readable } from 'node:stream';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

const payload = Buffer.from('{"ok":true}');
const headers = { 'content-type': 'application/json', 'content-length': String(payload.length) };
function body() {
  const r = new Readable({ read() { this.push(payload); this.push(null); } });
  r.dump = async () => {};
  r.text = () => new Promise((res) => { const c = []; r.on('data', (d) => c.push(d)); r.on('end', () => res(Buffer.concat(c).toString())); });
  return r;
}
const fake = { request: async (opts) => ({ statusCode: 200, headers, body: body() }), dispatch() {}, close: async () => {}, destroy: async () => {} };
const bare = createClient({ baseUrl: 'http://127.0.0.1:1', dispatcher: fake });
const full = createClient({
  baseUrl: 'http://127.0.0.1:1', dispatcher: fake,
  retry: retry({ maxAttempts: 3, backoff: constant(10) }),
  breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 }),
  rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
});
const cases = {
  raw: () => fake.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
  bare: () => bare.get('/items').then((r) => r.text()),
  full: () => full.get('/items').then((r) => r.text()),
};
const only = process.argv[2];
const N = Number(process.argv[3] ?? 50000);
async function run(fn, n) { for (let i = 0; i < n; i++) await fn(); }
for (const [name, fn] of Object.entries(cases)) {
  if (only && only !== 'all' && name !== only) continue;
  await run(fn, 20000);
  const res = [];
  for (let r = 0; r < 5; r++) { const c = process.cpuUsage(); await run(fn, N); const u = process.cpuUsage(c); res.push((u.user + u.system) / N); }
  res.sort((a, b) => a - b);
  console.log(name, res[2].toFixed(2), 'µs');
}
