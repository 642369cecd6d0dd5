import { type IncomingMessage, request } from 'node:http';
import { isConfigError } from '@sentinel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleReport } from '../test-support/sample-report.ts';
import type { ReportDocument } from './document.ts';
import { type Dashboard, serveDashboard } from './serve-dashboard.ts';

const open: Dashboard[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((d) => d.close()));
});

async function start(options: Partial<Parameters<typeof serveDashboard>[0]> = {}): Promise<Dashboard> {
  const dashboard = await serveDashboard({ document: sampleReport(), ...options });
  open.push(dashboard);
  return dashboard;
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

function get(url: string, init: { method?: string; host?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = init.host ? { host: init.host } : {};
    // No agent: a keep-alive socket from an earlier request would hide a closed server.
    const req = request(url, { method: init.method ?? 'GET', headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open event stream: the parsed `data` documents received so far, and a way to wait for more. */
function listen(url: string) {
  const documents: ReportDocument[] = [];
  const waiters: (() => void)[] = [];
  let ended = false;
  let buffer = '';
  let response: IncomingMessage | undefined;
  const connected = new Promise<void>((resolve, reject) => {
    const req = request(`${url}events`, { agent: false }, (res) => {
      response = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data !== '') documents.push(JSON.parse(data) as ReportDocument);
        }
        for (const wake of waiters.splice(0)) wake();
      });
      res.on('end', () => {
        ended = true;
        for (const wake of waiters.splice(0)) wake();
      });
      resolve();
    });
    req.on('error', reject);
    req.end();
  });
  const until = async (predicate: () => boolean): Promise<void> => {
    while (!predicate()) {
      if (ended) throw new Error('the event stream ended');
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return {
    documents,
    connected,
    get headers() {
      return response?.headers;
    },
    get ended() {
      return ended;
    },
    count: (n: number) => until(() => documents.length >= n),
    end: () => until(() => ended).catch(() => undefined),
  };
}

describe('serveDashboard', () => {
  it('serves the report page on 127.0.0.1, wired to its own event stream', async () => {
    const dashboard = await start();
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}/`);
    const page = await get(dashboard.url);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/^<!doctype html>/);
    expect(page.body).toContain('<body data-live-url="/events">');
    expect(page.body).toContain('HTTP Sentinel — sample report &#60;script&#62;');
  });

  it('streams the whole document at once, then each changed update, and skips an unchanged one', async () => {
    const dashboard = await start();
    const stream = listen(dashboard.url);
    await stream.connected;
    expect(stream.headers?.['content-type']).toBe('text/event-stream; charset=utf-8');
    await stream.count(1);
    expect(stream.documents[0]).toEqual(sampleReport());
    expect(dashboard.listeners).toBe(1);

    dashboard.update(sampleReport()); // the same document: nothing is sent
    const next = { ...sampleReport(2), status: 'running' as const };
    dashboard.update(next);
    await stream.count(2);
    expect(stream.documents).toHaveLength(2);
    expect(stream.documents[1]).toEqual(next);

    // A page loaded now starts from the latest document.
    expect((await get(dashboard.url)).body).toContain('"status":"running"');
    const late = listen(dashboard.url);
    await late.count(1);
    expect(late.documents[0]).toEqual(next);
  });

  it('answers extra GET routes, 404 elsewhere, 405 for other methods and 500 when a route fails', async () => {
    const dashboard = await start({
      routes: {
        '/metrics': (_request, response) => {
          response.writeHead(200, { 'content-type': 'text/plain' }).end('sentinel_up 1\n');
        },
        '/broken': async () => {
          throw new Error('no metrics today');
        },
        '/throws': () => {
          throw new Error('synchronously');
        },
      },
    });
    expect(await get(`${dashboard.url}metrics`)).toMatchObject({ status: 200, body: 'sentinel_up 1\n' });
    expect((await get(`${dashboard.url}metrics?x=1`)).status).toBe(200);
    expect((await get(`${dashboard.url}broken`)).status).toBe(500);
    expect((await get(`${dashboard.url}throws`)).status).toBe(500);
    expect((await get(`${dashboard.url}nothing-here`)).status).toBe(404);
    expect((await get(`${dashboard.url}favicon.ico`)).status).toBe(204); // asked for by every browser
    const post = await get(dashboard.url, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    expect((await get(`${dashboard.url}events`, { method: 'HEAD' })).status).toBe(200);
    expect(dashboard.listeners).toBe(0);
  });

  it('refuses a Host that is not a loopback name (DNS rebinding) and accepts localhost', async () => {
    const dashboard = await start();
    expect((await get(dashboard.url, { host: `evil.example:${dashboard.port}` })).status).toBe(421);
    expect((await get(dashboard.url, { host: `127.0.0.1.evil.example:${dashboard.port}` })).status).toBe(421);
    expect((await get(dashboard.url, { host: `localhost:${dashboard.port}` })).status).toBe(200);
  });

  it('close() ends every stream and socket, once, however often it is called', async () => {
    const dashboard = await start();
    const stream = listen(dashboard.url);
    await stream.count(1);
    expect(dashboard.connections).toBe(1);
    const first = dashboard.close();
    expect(dashboard.close()).toBe(first);
    await first;
    await stream.end();
    expect(stream.ended).toBe(true);
    expect(dashboard.listeners).toBe(0);
    expect(dashboard.connections).toBe(0);
    await expect(get(dashboard.url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('rejects bad options and documents with a ConfigError naming them', async () => {
    const reason = async (options: unknown) =>
      serveDashboard(options as never).then(
        () => 'resolved',
        (error: unknown) => (isConfigError(error) ? error.message : `not a ConfigError: ${String(error)}`),
      );
    expect(await reason(undefined)).toMatch(/"options".*"document"/);
    expect(await reason({})).toMatch(/"document" must be an object/);
    expect(await reason({ document: { ...sampleReport(), phases: 'none' } })).toMatch(/"phases" must be an array/);
    expect(await reason({ document: sampleReport(), port: 70_000 })).toMatch(/"port" must be an integer/);
    expect(await reason({ document: sampleReport(), host: '' })).toMatch(/"host"/);
    expect(await reason({ document: sampleReport(), routes: [] })).toMatch(/"routes"/);
    expect(await reason({ document: sampleReport(), routes: { metrics: () => {} } })).toMatch(/"routes\[metrics\]"/);
    expect(await reason({ document: sampleReport(), routes: { '/events': () => {} } })).toMatch(/"routes\[\/events\]"/);
    expect(await reason({ document: sampleReport(), routes: { '/x': 'handler' } })).toMatch(/"routes\[\/x\]"/);
    expect(await reason({ document: sampleReport(), refresh: 1 })).toMatch(/"refresh"/);

    const dashboard = await start();
    expect(() => dashboard.update({ ...sampleReport(), title: 42 } as never)).toThrow(/"title" must be a string/);
  });
});
