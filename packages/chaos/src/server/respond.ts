import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createBrotliCompress, createDeflate, createGzip } from 'node:zlib';
import type { CompressedFault, EchoBody, Fault, RateLimitFault, RedirectFault } from './faults.ts';

/** What a fault needs from the server: real-time waits that `close()` cancels. */
export interface Scheduler {
  /** Resolves after `ms`, or never when the server closes first. */
  wait(ms: number): Promise<void>;
  /** Compressed payloads, cached per size and encodings (a gzip bomb is built once). */
  compressed(fault: CompressedFault): Promise<Buffer>;
}

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** Destroys the socket with a TCP RST where the platform allows, so the client sees ECONNRESET. */
export function reset(socket: Socket): void {
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}

/** Answers `request` as `fault` says. `body` is the request body, already read. */
export async function respond(
  fault: Fault,
  request: IncomingMessage,
  response: ServerResponse,
  body: Buffer,
  scheduler: Scheduler,
): Promise<void> {
  const socket = request.socket;
  switch (fault.type) {
    case 'echo':
      return echo(request, response, body, fault.status ?? 200);
    case 'status':
      response.writeHead(fault.status, { 'content-type': 'text/plain', ...fault.headers });
      response.end(fault.body ?? `chaos: ${fault.status}`);
      return;
    case 'rate-limit':
      return rateLimited(fault, response);
    case 'reset-before-headers':
      reset(socket);
      return;
    case 'reset-mid-body': {
      const bytes = fault.bytes ?? 16;
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes * 4 + 1024 });
      response.write(Buffer.alloc(bytes, 0x61), () => reset(socket));
      return;
    }
    case 'hang':
      return;
    case 'slow-body':
      return slowBody(response, fault.size, fault.bytesPerSecond, scheduler);
    case 'truncated-body':
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': fault.declared });
      response.write(Buffer.alloc(fault.sent, 0x62), () => socket.end());
      return;
    case 'oversized-body':
      response.writeHead(
        200,
        fault.chunked === true
          ? { 'content-type': 'application/octet-stream' }
          : { 'content-type': 'application/octet-stream', 'content-length': fault.size },
      );
      return writeZeros(response, fault.size);
    case 'compressed': {
      const payload = await scheduler.compressed(fault);
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-encoding': (fault.encodings ?? ['gzip']).join(', '),
        'content-length': payload.length,
      });
      response.end(payload);
      return;
    }
    case 'redirect':
      return redirect(fault, request, response);
  }
}

function echo(request: IncomingMessage, response: ServerResponse, body: Buffer, status: number): void {
  const headers: [string, string][] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    headers.push([request.rawHeaders[i] as string, request.rawHeaders[i + 1] as string]);
  }
  const payload: EchoBody = {
    method: request.method ?? '',
    url: request.url ?? '',
    headers,
    body: body.toString('utf8'),
    bodyBytes: body.length,
  };
  const text = JSON.stringify(payload);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

function rateLimited(fault: RateLimitFault, response: ServerResponse): void {
  const headers: Record<string, string> = { 'content-type': 'text/plain' };
  if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
  if (fault.retryAfterDateMs !== undefined) {
    // The server's wall clock on purpose: an HTTP-date is an absolute time.
    headers['retry-after'] = new Date(Date.now() + fault.retryAfterDateMs).toUTCString();
  }
  if (fault.rateLimit !== undefined) {
    const { limit, remaining, resetSeconds } = fault.rateLimit;
    headers.ratelimit = `limit=${limit}, remaining=${remaining}, reset=${resetSeconds}`;
    headers['x-ratelimit-limit'] = String(limit);
    headers['x-ratelimit-remaining'] = String(remaining);
    headers['x-ratelimit-reset'] = String(resetSeconds);
  }
  const status = fault.status ?? 429;
  response.writeHead(status, headers);
  response.end(`chaos: ${status}`);
}

function redirect(fault: RedirectFault, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://chaos.invalid');
  const hop = Number(url.searchParams.get('hop') ?? '0');
  const hops = fault.hops ?? 1;
  let location = fault.location;
  if (hop + 1 < hops) {
    url.searchParams.set('hop', String(hop + 1));
    location = `${url.pathname}${url.search}`;
  }
  response.writeHead(fault.status ?? 302, { location, 'content-type': 'text/plain' });
  response.end(`redirect to ${location}`);
}

async function writeZeros(response: ServerResponse, size: number): Promise<void> {
  let left = size;
  while (left > 0 && !response.destroyed) {
    const chunk = left >= CHUNK ? ZEROS : ZEROS.subarray(0, left);
    left -= chunk.length;
    if (!response.write(chunk)) {
      // Respect backpressure: a client that stops reading must not make the server buffer gigabytes.
      const drained = await new Promise<boolean>((resolve) => {
        const done = (ok: boolean) => () => {
          response.off('drain', onDrain);
          response.off('close', onClose);
          resolve(ok);
        };
        const onDrain = done(true);
        const onClose = done(false);
        response.once('drain', onDrain);
        response.once('close', onClose);
      });
      if (!drained) return;
    }
  }
  if (!response.destroyed) response.end();
}

async function slowBody(
  response: ServerResponse,
  size: number,
  bytesPerSecond: number,
  scheduler: Scheduler,
): Promise<void> {
  response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  // About 20 writes a second, at most 1 KiB each.
  const chunk = Math.max(1, Math.min(1024, Math.floor(bytesPerSecond / 20)));
  const pause = (chunk / bytesPerSecond) * 1000;
  let left = size;
  while (left > 0 && !response.destroyed) {
    const n = Math.min(chunk, left);
    response.write(ZEROS.subarray(0, n));
    left -= n;
    if (left > 0) await scheduler.wait(pause);
  }
  if (!response.destroyed) response.end();
}

/** `size` zero bytes through each encoding in order, streamed so the input never sits in memory. */
export async function compress(size: number, encodings: readonly ('gzip' | 'deflate' | 'br')[]): Promise<Buffer> {
  let data: Buffer | undefined;
  for (const encoding of encodings) {
    const input =
      data === undefined
        ? Readable.from(
            (function* () {
              for (let left = size; left > 0; left -= CHUNK) yield left >= CHUNK ? ZEROS : ZEROS.subarray(0, left);
            })(),
          )
        : Readable.from([data]);
    const encoder =
      encoding === 'gzip'
        ? createGzip({ level: 9 })
        : encoding === 'deflate'
          ? createDeflate({ level: 9 })
          : createBrotliCompress();
    const parts: Buffer[] = [];
    await pipeline(input, encoder, async (source: AsyncIterable<Buffer>) => {
      for await (const part of source) parts.push(part);
    });
    data = Buffer.concat(parts);
  }
  return data ?? Buffer.alloc(0);
}
