import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createResilientClient } from '../../resilient-client/create-resilient-client.ts';
import { workerClientOptions } from './shared-flags.ts';

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('workerClientOptions (the clients of load and scrape workers)', () => {
  it('keeps the preset and headers and gives each worker one connection per origin', async () => {
    const connections: unknown[] = [];
    const seen: unknown[] = [];
    const server = createServer((request, response) => {
      seen.push(request.headers['x-run']);
      response.end('ok');
    });
    server.on('connection', (socket) => connections.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    closers.push(() => new Promise((done) => server.close(done)));
    const { port } = server.address() as AddressInfo;

    const options = workerClientOptions('hft', [['x-run', '7']]);
    expect(options).toMatchObject({ preset: 'hft', connections: 1 });
    const client = createResilientClient(options);
    closers.push(() => client.close());
    // Three at once through one worker's client: they queue on its one connection (a client with
    // the presets' connections would open three).
    const responses = await Promise.all([1, 2, 3].map(() => client.get(`http://127.0.0.1:${port}/`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(seen).toEqual(['7', '7', '7']);
    expect(connections).toHaveLength(1);
  });
});
