import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { optionChecker, type Random } from '@sentinel/core';
import { seededRandom } from '../random/seeded-random.ts';
import { type Capacity, refusalHeaders, validateCapacity } from './capacity.ts';
import type { CompressedFault, Fault, Latency } from './faults.ts';
import { compress, respond, type Scheduler } from './respond.ts';
import { type ChaosStats, Counters } from './stats.ts';
import { validateFault } from './validate.ts';

/** Options of {@link startChaosServer}. */
export interface ChaosServerOptions {
  /**
   * Interface to listen on. Loopback by default: a chaos server is a test tool, never public.
   * @default '127.0.0.1'
   */
  readonly host?: string;
  /**
   * Port to listen on; 0 picks a free one (read it from `server.url`).
   * @default 0
   */
  readonly port?: number;
  /**
   * Seed of the random that decides `rate` rolls and latency samples: the same seed and the same
   * request order give the same faults.
   * @default 1
   */
  readonly seed?: number;
  /** Faults per path (no query string), tried in order; see {@link ChaosServer.route}. */
  readonly routes?: Readonly<Record<string, Fault | readonly Fault[]>>;
  /** Faults for every path that has no route of its own. */
  readonly faults?: Fault | readonly Fault[];
  /**
   * Request bodies beyond this many bytes are read and counted but not kept for the echo.
   * @default 1_048_576
   */
  readonly maxEchoBytes?: number;
  /**
   * Serve at most this many requests at once and refuse the others at once (503 by default);
   * change it at run time with {@link ChaosServer.setCapacity}.
   * @default undefined (no limit)
   */
  readonly capacity?: Capacity | undefined;
}

/** A running chaos server. */
export interface ChaosServer {
  /** `http://host:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Sets the faults of `path` (tried in order, each for `times` requests), replacing earlier ones and their counts. */
  route(path: string, faults: Fault | readonly Fault[]): void;
  /** Sets the faults for every path without a route of its own (`[]` removes them). */
  setFaults(faults: Fault | readonly Fault[]): void;
  /**
   * Sets how many requests are served at once (`undefined` removes the limit). Requests already
   * being served finish; the new limit applies to the next arrivals.
   */
  setCapacity(capacity: Capacity | undefined): void;
  /** A snapshot of the counters. */
  stats(): ChaosStats;
  /** Zeroes the counters (fault `times` counts are kept: use `route` to reset those). */
  resetStats(): void;
  /** Stops listening, destroys every socket, cancels every pending wait. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface Route {
  readonly faults: readonly Fault[];
  readonly fired: number[];
}

const check = optionChecker('startChaosServer');
const ECHO: Fault = Object.freeze({ type: 'echo' });

function toRoute(value: Fault | readonly Fault[], name: string): Route {
  const list = Array.isArray(value) ? (value as readonly Fault[]) : [value as Fault];
  return { faults: list.map((f, i) => validateFault(f, `${name}[${i}]`)), fired: list.map(() => 0) };
}

function sample(latency: Latency | undefined, random: Random): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return latency;
  if ('mean' in latency) return -latency.mean * Math.log(1 - random());
  return latency.min + (latency.max - latency.min) * random();
}

/**
 * Starts an HTTP/1.1 server on real sockets that injects the faults it is told to: statuses and
 * failure rates, 429 with Retry-After and rate-limit headers, latency, resets before headers and
 * mid-body, hangs, slow, truncated, oversized and compressed bodies (gzip bombs), redirect
 * chains and loops. Every path without a fault (or whose faults are used up or did not fire)
 * echoes the request as JSON. Deterministic under `seed` for a given request order.
 *
 * @throws ConfigError for an invalid option or fault.
 */
export async function startChaosServer(options: ChaosServerOptions = {}): Promise<ChaosServer> {
  const opts = check.options(options, ['host', 'port', 'seed', 'routes', 'faults', 'maxEchoBytes', 'capacity']);
  const host = opts.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') check.fail('host', host, 'a host name or address');
  const port = check.integer('port', opts.port, { min: 0, max: 65_535 }, 0);
  const random = seededRandom(check.integer('seed', opts.seed, {}, 1));
  const maxEchoBytes = check.integer('maxEchoBytes', opts.maxEchoBytes, { min: 0 }, 1_048_576);
  const routes = new Map<string, Route>();
  for (const [path, faults] of Object.entries(opts.routes ?? {})) routes.set(path, toRoute(faults, `routes[${path}]`));
  let fallback = toRoute(opts.faults ?? [], 'faults');
  let capacity = opts.capacity === undefined ? undefined : validateCapacity(opts.capacity, 'capacity');
  // Requests being served now (admitted and not yet finished or aborted).
  let inFlight = 0;

  let counters = new Counters();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const bombs = new Map<string, Promise<Buffer>>();
  let closed = false;

  const scheduler: Scheduler = {
    wait: (ms) =>
      new Promise<void>((resolve) => {
        if (closed) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          resolve();
        }, ms);
        timers.add(timer);
      }),
    compressed(fault: CompressedFault) {
      const encodings = fault.encodings ?? ['gzip'];
      const key = `${fault.size}:${encodings.join(',')}`;
      let payload = bombs.get(key);
      if (payload === undefined) {
        payload = compress(fault.size, encodings);
        bombs.set(key, payload);
      }
      return payload;
    },
  };

  const pick = (path: string): Fault => {
    const route = routes.get(path) ?? fallback;
    for (let i = 0; i < route.faults.length; i++) {
      const fault = route.faults[i] as Fault;
      if ((route.fired[i] as number) >= (fault.times ?? Number.POSITIVE_INFINITY)) continue;
      if (fault.rate !== undefined && fault.rate < 1 && random() >= fault.rate) continue;
      route.fired[i] = (route.fired[i] as number) + 1;
      return fault;
    }
    return ECHO;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0] as string;
    const key = request.headers['idempotency-key'];
    counters.request(request.method ?? '', path, typeof key === 'string' ? key : undefined);
    const limit = capacity;
    if (limit !== undefined && inFlight >= limit.maxInFlight) {
      counters.overCapacity++;
      // Read the request first (see below), then refuse it at once, without any route's faults.
      for await (const _ of request as AsyncIterable<Buffer>) {
        // discarded
      }
      if (closed) return;
      response.writeHead(limit.status ?? 503, refusalHeaders(limit)).end(`chaos: over capacity (${limit.maxInFlight})`);
      return;
    }
    inFlight++;
    if (inFlight > counters.peakInFlight) counters.peakInFlight = inFlight;
    response.once('close', () => {
      inFlight--;
    });
    const fault = pick(path);
    counters.fault(fault.type);
    // Read the whole request first: a server that answers mid-upload confuses every client.
    const parts: Buffer[] = [];
    let kept = 0;
    for await (const part of request as AsyncIterable<Buffer>) {
      if (kept + part.length <= maxEchoBytes) {
        parts.push(part);
        kept += part.length;
      }
    }
    const delay = sample(fault.latencyMs, random);
    if (delay > 0) await scheduler.wait(delay);
    if (closed) return;
    await respond(fault, request, response, Buffer.concat(parts), scheduler);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      // A client that went away mid-answer is part of the game, not a server error.
      request.socket.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;
  server.on('connection', (socket: Socket) => {
    counters.connections++;
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      counters.closedBytesReceived += socket.bytesRead;
      counters.closedBytesSent += socket.bytesWritten;
    });
  });
  // Malformed requests (the point of some tests) must not crash the server.
  server.on('clientError', (_error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closing;
  };

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    route(path, faults) {
      routes.set(path, toRoute(faults, `route(${path})`));
    },
    setFaults(faults) {
      fallback = toRoute(faults, 'faults');
    },
    setCapacity(value) {
      capacity = value === undefined ? undefined : validateCapacity(value, 'setCapacity');
    },
    stats() {
      let received = 0;
      let sent = 0;
      for (const socket of sockets) {
        received += socket.bytesRead;
        sent += socket.bytesWritten;
      }
      return counters.snapshot(received, sent, inFlight);
    },
    resetStats() {
      counters = new Counters();
      counters.peakInFlight = inFlight;
      // Live sockets' past bytes are subtracted, so the next snapshot counts from now.
      for (const socket of sockets) {
        counters.closedBytesReceived -= socket.bytesRead;
        counters.closedBytesSent -= socket.bytesWritten;
      }
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
