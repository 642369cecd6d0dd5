import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { optionChecker } from '@sentinel/core';
import type { ReportDocument } from './document.ts';
import { renderReportHtml } from './render-html.ts';
import { validateReportDocument } from './validate.ts';

/** A GET route of the dashboard beside the page and its event stream (e.g. `/metrics`). */
export type DashboardRoute = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

/** Options of {@link serveDashboard}. */
export interface ServeDashboardOptions {
  /** The document the page shows first; {@link Dashboard.update} replaces it. */
  readonly document: ReportDocument;
  /**
   * Interface to listen on. Loopback by default: the page shows what a run is doing, to you.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Port to listen on; 0 picks a free one (read it from `dashboard.url`).
   * @default 0
   */
  readonly port?: number;
  /**
   * More GET routes by exact path, e.g. `{ '/metrics': handler }`. A handler that throws or
   * rejects answers 500 (when it has not started answering).
   * @default {}
   */
  readonly routes?: Readonly<Record<string, DashboardRoute>>;
}

/** A running dashboard: see {@link serveDashboard}. */
export interface Dashboard {
  /** `http://host:port/`: the page. */
  readonly url: string;
  readonly port: number;
  /** Pages listening for updates now. */
  readonly listeners: number;
  /** Sockets open now (pages, event streams, keep-alive connections). */
  readonly connections: number;
  /**
   * Makes `document` the current one and sends it to every listening page, unless it is the same
   * as the last one sent. Call it as often as the page should redraw (a few times a second).
   * @throws ConfigError when `document` is not a valid report document.
   */
  update(document: ReportDocument): void;
  /** Ends every event stream, stops listening, destroys every socket. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const check = optionChecker('serveDashboard');
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Serves a report live: `GET /` is the report page ({@link renderReportHtml}) of the current
 * document, which connects back to `GET /events`, a Server-Sent Events stream sending the whole
 * document as JSON at once and then after every {@link Dashboard.update} that changed it. No
 * timer: the caller's updates set the pace. Extra GET routes (`/metrics`) can be added.
 *
 * On loopback, requests whose `Host` is not a loopback name are refused (421), so a web page
 * elsewhere cannot read the dashboard through DNS rebinding.
 *
 * @throws ConfigError (as a rejection) for an invalid option or document.
 */
export async function serveDashboard(options: ServeDashboardOptions): Promise<Dashboard> {
  if (options === undefined) check.fail('options', options, 'an options object with "document"');
  const opts = check.options(options, ['document', 'host', 'port', 'routes']);
  let current = validateReportDocument(opts.document);
  const host = opts.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') check.fail('host', host, 'a host name or address');
  const port = check.integer('port', opts.port, { min: 0, max: 65_535 }, 0);
  const routes = new Map<string, DashboardRoute>();
  if (opts.routes !== undefined) {
    if (typeof opts.routes !== 'object' || opts.routes === null || Array.isArray(opts.routes)) {
      check.fail('routes', opts.routes, 'an object of path → handler');
    }
    for (const [path, handler] of Object.entries(opts.routes)) {
      if (!path.startsWith('/') || path === '/' || path === '/events') {
        check.fail(`routes[${path}]`, path, "a path starting with '/' other than '/' and '/events'");
      }
      routes.set(path, check.function<DashboardRoute>(`routes[${path}]`, handler));
    }
  }

  let sent = JSON.stringify(current);
  const streams = new Set<ServerResponse>();
  const sockets = new Set<Socket>();
  let allowedHosts: ReadonlySet<string> | undefined;

  const serve = (request: IncomingMessage, response: ServerResponse): void => {
    if (allowedHosts !== undefined && !allowedHosts.has(request.headers.host ?? '')) {
      response.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('misdirected request\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
      response.end('method not allowed\n');
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/') {
      const page = renderReportHtml(current, { liveUrl: '/events' });
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(page);
      return;
    }
    if (path === '/events') {
      if (request.method === 'HEAD') {
        response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' }).end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
      });
      // A page whose stream drops reconnects after a second and gets the whole document again.
      response.write(`retry: 1000\n\ndata: ${sent}\n\n`);
      streams.add(response);
      response.once('close', () => streams.delete(response));
      return;
    }
    if (path === '/favicon.ico' && !routes.has(path)) {
      // Browsers ask for it unprompted; a 404 would be logged as an error in the page's console.
      response.writeHead(204, { 'cache-control': 'max-age=86400' }).end();
      return;
    }
    const route = path === undefined ? undefined : routes.get(path);
    if (route === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const failed = () => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end();
    };
    try {
      Promise.resolve(route(request, response)).catch(failed);
    } catch {
      failed();
    }
  };

  const server = createServer(serve);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  if (LOOPBACK_NAMES.includes(urlHost) || urlHost.startsWith('127.')) {
    allowedHosts = new Set([...LOOPBACK_NAMES, urlHost].map((name) => `${name}:${address.port}`));
  }

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const stream of streams) stream.end();
      streams.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url: `http://${urlHost}:${address.port}/`,
    port: address.port,
    get listeners() {
      return streams.size;
    },
    get connections() {
      return sockets.size;
    },
    update(document) {
      current = validateReportDocument(document);
      const json = JSON.stringify(current);
      if (json === sent) return;
      sent = json;
      for (const stream of streams) stream.write(`data: ${json}\n\n`);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
