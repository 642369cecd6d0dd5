import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Dispatcher } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Client, createClient } from '../client/client.ts';
import { isResponseTooLargeError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';

// Buffered responses go through undici's dispatch() and a handler of ours (buffered-hop.ts):
// these tests pin what that handler must do that undici's request() used to do for us.

type Route = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server;
let routes: Map<string, Route>;
let connections: number;
let requests: number;
let client: Client;

beforeEach(async () => {
  routes = new Map();
  connections = 0;
  requests = 0;
  server = createServer((request, response) => {
    requests++;
    const route = routes.get(request.url ?? '');
    if (route === undefined) response.end('ok');
    else route(request, response);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = createClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, connections: 4 });
});

afterEach(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

// A body that arrives over many socket reads: headers first, then `chunks` pieces.
function slowBody(chunks: number, size: number, bytes: (i: number) => Buffer = () => Buffer.alloc(size, 7)): Route {
  return (_request, response) => {
    response.writeHead(200, { 'content-length': String(chunks * size) });
    let sent = 0;
    const next = () => {
      if (response.destroyed) return;
      if (sent === chunks) return;
      // The write callback runs once the piece is flushed: the next one goes in a later read.
      response.write(bytes(sent++), next);
    };
    next();
  };
}

describe('a shared signal', () => {
  it('gets one abort listener however many requests follow it, and none are left behind', async () => {
    const controller = new AbortController();
    const signal = controller.signal;
    const before = getEventListeners(signal, 'abort').length;
    await Promise.all(Array.from({ length: 50 }, () => client.get('/x', { signal }).then((r) => r.text())));
    for (let i = 0; i < 20; i++) await client.get('/x', { signal });
    expect(getEventListeners(signal, 'abort').length - before).toBe(1);
    expect(requests).toBe(70);
  });

  it('aborts every request in flight with its reason when it aborts', async () => {
    let started = 0;
    const allStarted = deferred();
    routes.set('/hang', (_request, response) => {
      response.writeHead(200, { 'content-length': '10' });
      response.write('12345');
      if (++started === 4) allStarted.resolve(undefined);
    });
    const controller = new AbortController();
    const pending = Array.from({ length: 4 }, () => caught(client.get('/hang', { signal: controller.signal })));
    await allStarted.promise;
    const reason = new Error('stop');
    controller.abort(reason);
    for (const error of await Promise.all(pending)) expect(error).toBe(reason);
    // The aborted connections were closed, the client still works.
    expect(await (await client.get('/x')).text()).toBe('ok');
  });

  it('refuses an already-aborted signal without sending', async () => {
    const reason = new Error('before');
    expect(await caught(client.get('/x', { signal: AbortSignal.abort(reason) }))).toBe(reason);
    expect(requests).toBe(0);
  });
});

describe('the body', () => {
  it('arrives whole over many socket reads, and an abort mid-body rejects with the reason', async () => {
    routes.set('/slow', slowBody(40, 4096));
    expect((await (await client.get('/slow')).bytes()).length).toBe(40 * 4096);
    const halfSent = deferred();
    routes.set('/stall', (_request, response) => {
      response.writeHead(200, { 'content-length': '100' });
      response.write('x'.repeat(50), () => halfSent.resolve(undefined));
    });
    const controller = new AbortController();
    const pending = caught(client.get('/stall', { signal: controller.signal }));
    await halfSent.promise;
    controller.abort('enough');
    expect(await pending).toBe('enough');
  });

  it('skips 1xx informational responses (103 Early Hints) and returns the final one', async () => {
    routes.set('/hints', (_request, response) => {
      response.writeEarlyHints({ link: '</style.css>; rel=preload; as=style' }, () => {
        response.writeHead(201, { 'x-final': 'yes' });
        response.end('created');
      });
    });
    const response = await client.get('/hints');
    expect(response.status).toBe(201);
    expect(response.headers['x-final']).toBe('yes');
    expect(await response.text()).toBe('created');
  });

  it('decodes a large gzip body that arrives in pieces (backpressure through the decoder)', async () => {
    const plain = Buffer.alloc(4 * 1024 * 1024);
    for (let i = 0; i < plain.length; i++) plain[i] = (i * 7919) % 251;
    const encoded = gzipSync(plain);
    const size = Math.ceil(encoded.length / 16);
    routes.set('/gz', (_request, response) => {
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(encoded.length) });
      let offset = 0;
      const next = () => {
        if (offset >= encoded.length) return void response.end();
        const piece = encoded.subarray(offset, offset + size);
        offset += size;
        response.write(piece, next);
      };
      next();
    });
    const bytes = await (await client.get('/gz')).bytes();
    expect(Buffer.from(bytes).equals(plain)).toBe(true);
  });

  it('fails a chunked body that grows past the cap, and the client keeps working', async () => {
    routes.set('/grow', (_request, response) => {
      response.writeHead(200);
      for (let i = 0; i < 10; i++) response.write(Buffer.alloc(1000, 1));
      response.end();
    });
    expect(isResponseTooLargeError(await caught(client.get('/grow', { maxResponseBytes: 5000 })))).toBe(true);
    expect(await (await client.get('/x')).text()).toBe('ok');
  });
});

describe('a dispatcher', () => {
  it('that throws instead of calling the handler fails the request (no hang, nothing followed)', async () => {
    class Thrower extends Dispatcher {
      override dispatch(): boolean {
        throw Object.assign(new Error('boom'), { code: 'ECONNREFUSED' });
      }
    }
    const thrower = new Thrower();
    const broken = createClient({ baseUrl: 'http://127.0.0.1:9', dispatcher: thrower });
    const error = await caught(broken.get('/x', { signal: new AbortController().signal }));
    expect(error).toMatchObject({ code: 'SENTINEL_NETWORK', errorCode: 'ECONNREFUSED' });
    await broken.close();
  });
});

describe('a redirect body', () => {
  it('is read and dropped when small (the connection is kept) and cut when large (it is closed)', async () => {
    const single = createClient({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: 1,
    });
    try {
      routes.set('/small', (_request, response) => {
        response.writeHead(302, { location: '/x', 'content-length': '1000' });
        response.end('r'.repeat(1000));
      });
      expect(await (await single.get('/small')).text()).toBe('ok');
      expect(connections).toBe(1);
      routes.set('/large', (_request, response) => {
        response.writeHead(302, { location: '/x', 'content-length': String(4 * 1024 * 1024) });
        response.end(Buffer.alloc(4 * 1024 * 1024));
      });
      expect(await (await single.get('/large')).text()).toBe('ok');
      // The 4 MiB body was not read to its end: its connection was given up for a new one.
      expect(connections).toBe(2);
    } finally {
      await single.close();
    }
  });
});

function deferred(): { promise: Promise<unknown>; resolve: (value: unknown) => void } {
  let resolve!: (value: unknown) => void;
  const promise = new Promise((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
