import { Pool } from 'undici';
import { spawnServer } from './servers/spawn.ts';
const server = await spawnServer('ok-server');
const origin = server.url;
const pool = new Pool(origin, { connections: 64 });
class Buffered {
  chunks: Buffer[] = []; total = 0; status = 0; headers: any;
  constructor(public resolve: (v: any) => void, public reject: (e: unknown) => void) {}
  onRequestStart() {}
  onResponseStart(_c: unknown, status: number, headers: any) { this.status = status; this.headers = headers; }
  onResponseData(_c: unknown, chunk: Buffer) { this.chunks.push(chunk); this.total += chunk.length; }
  onResponseEnd() { const b = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.total); this.resolve({ status: this.status, headers: this.headers, body: b }); }
  onResponseError(_c: unknown, e: unknown) { this.reject(e); }
}
function viaDispatch(): Promise<any> {
  return new Promise((resolve, reject) => { pool.dispatch({ path: '/items', method: 'GET', headersTimeout: 30000, bodyTimeout: 30000 } as any, new Buffered(resolve, reject) as any); });
}
const modes: Record<string, () => Promise<unknown>> = {
  request: () => pool.request({ path: '/items', method: 'GET' }).then((r) => r.body.text()),
  dispatch: () => viaDispatch().then((r) => r.body.toString()),
};
async function run(fn: () => Promise<unknown>, n: number) { let i = 0; await Promise.all(Array.from({ length: 64 }, async () => { while (i++ < n) await fn(); })); }
for (const m of Object.keys(modes)) await run(modes[m]!, 20000);
for (let r = 0; r < 4; r++) for (const m of Object.keys(modes)) {
  const c0 = process.cpuUsage(); await run(modes[m]!, 50000); const c = process.cpuUsage(c0);
  console.log(m, ((c.user + c.system) / 50000).toFixed(2));
}
await pool.close(); await server.close();
