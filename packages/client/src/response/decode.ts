import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Clock } from '@sentinel/core';
import { RequestTimeoutError, ResponseDecodeError, ResponseTooLargeError } from '../errors.ts';

/**
 * A total deadline checked as body chunks arrive (without a watchdog): a body that trickles past
 * it fails at the next chunk, one that stalls fails at the body idle timeout. No timer per request.
 */
export interface BodyDeadline {
  readonly clock: Clock;
  /** Clock time at which the total deadline passes. */
  readonly deadline: number;
  readonly totalMs: number;
}

/** A total-timeout error when `deadline` has passed, else `undefined`. */
export function pastDeadline(deadline: BodyDeadline | undefined, url: string): RequestTimeoutError | undefined {
  if (deadline === undefined || deadline.clock.now() <= deadline.deadline) return undefined;
  return new RequestTimeoutError('total', deadline.totalMs, url);
}

const NO_ENCODINGS: readonly string[] = Object.freeze([]);

const ignore = () => {};

/**
 * Destroys a body we no longer want. The late 'error' a destroyed undici body emits ("Request
 * aborted") is expected and swallowed, so discarding a response never crashes the process.
 */
export function discard(stream: Readable): void {
  stream.on('error', ignore);
  if (!stream.destroyed) stream.destroy();
}

/** At most this many content codings are undone; more is a decompression-bomb pattern. */
export const MAX_ENCODINGS = 5;

/** The codings listed in `Content-Encoding`, in the order they were applied; `identity` is dropped. */
export function parseContentEncoding(header: string | string[] | undefined): readonly string[] {
  if (header === undefined) return NO_ENCODINGS;
  const text = Array.isArray(header) ? header.join(',') : header;
  return text
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
}

/**
 * `body` with every content coding undone (last applied, first undone). Throws a
 * {@link ResponseDecodeError} for an unknown coding or more than {@link MAX_ENCODINGS}.
 */
export function decode(body: Readable, encodings: readonly string[]): Readable {
  if (encodings.length === 0) return body;
  if (encodings.length > MAX_ENCODINGS) {
    throw new ResponseDecodeError(`${encodings.length} content encodings (at most ${MAX_ENCODINGS} are decoded)`);
  }
  const decoders = [...encodings].reverse().map((coding) => {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return createGunzip();
      case 'deflate':
        return createInflate();
      case 'br':
        return createBrotliDecompress();
      default:
        throw new ResponseDecodeError(`unsupported content encoding "${coding}"`);
    }
  });
  // pipeline destroys every stage when any fails or when the last one is destroyed.
  return pipeline([body, ...decoders], () => {}) as unknown as Readable;
}

function isZlibError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}

/**
 * Reads `stream` to the end into one buffer, failing with a {@link ResponseTooLargeError} as
 * soon as more than `limit` bytes (decoded) arrive: a gzip bomb is stopped at the cap, not
 * inflated first. `onChunk` may throw to stop reading (a watchdog); past `deadline` reading stops
 * with a total timeout. The stream is destroyed on any failure. Events rather than an async
 * iterator: measurably cheaper per response.
 */
export function readAll(
  stream: Readable,
  limit: number,
  url: string,
  onChunk?: () => void,
  deadline?: BodyDeadline,
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const fail = (error: unknown) => {
      cleanup();
      discard(stream);
      reject(
        isZlibError(error) ? new ResponseDecodeError(`corrupt encoded body from ${url}`, { cause: error }) : error,
      );
    };
    const onData = (chunk: Buffer) => {
      try {
        onChunk?.();
      } catch (error) {
        fail(error);
        return;
      }
      const late = pastDeadline(deadline, url);
      if (late !== undefined) {
        fail(late);
        return;
      }
      total += chunk.length;
      if (total > limit) {
        fail(new ResponseTooLargeError(url, limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      // The listeners stay: an ended body emits nothing more that they act on ('close' after
      // 'end' is ignored below), and removing four of them per response is measurable.
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total));
    };
    const onClose = () => {
      // Closed without 'end' and without an error: the body was cut short.
      if (!stream.readableEnded)
        fail(Object.assign(new Error('response body closed early'), { code: 'UND_ERR_SOCKET' }));
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', fail);
      stream.off('close', onClose);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', fail);
    stream.on('close', onClose);
  });
}

/**
 * Reads at most `limit` bytes of `stream` for an error excerpt and destroys the rest. Never
 * throws: an error body that fails to arrive leaves the excerpt short.
 */
export async function readExcerpt(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      total += chunk.length;
      if (total >= limit) break;
    }
  } catch {
    // The excerpt is best effort.
  }
  discard(stream);
  return Buffer.concat(chunks).subarray(0, limit);
}

/** Bytes of a discarded body read to keep its connection alive; beyond this it is destroyed. */
export const DRAIN_LIMIT_BYTES = 1024 * 1024;

/** A body read by {@link readKeeping}: what arrived, and why it is incomplete (if it is). */
export interface KeptBody {
  /** The whole body, or (with `error`) what arrived before the failure, at most `limit` bytes. */
  readonly buffer: Buffer;
  /** `ResponseTooLargeError` past `limit`, or the failure that cut the body short. */
  readonly error: unknown;
}

/**
 * Reads `stream` to the end, like {@link readAll}, but never rejects: past `limit` bytes (decoded)
 * it stops with a {@link ResponseTooLargeError} as `error` and releases the connection (an
 * identity-encoded undici body is dumped, up to {@link DRAIN_LIMIT_BYTES}, so the socket goes back
 * to the pool; anything else is destroyed); a failure (or `onChunk` throwing) ends it with that
 * error. For a retryable status: the response may be retried (then it is dropped) or be the one
 * the caller gets (then a failure is theirs).
 */
export function readKeeping(
  stream: Readable,
  raw: Readable & { dump?: (options?: { limit: number }) => Promise<void> },
  limit: number,
  url: string,
  onChunk?: () => void,
  deadline?: BodyDeadline,
): Promise<KeptBody> {
  return new Promise<KeptBody>((resolve) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let done = false;
    const finish = (error: unknown) => {
      if (done) return;
      done = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
      resolve({ buffer: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total), error });
    };
    const onData = (chunk: Buffer) => {
      let late: unknown;
      try {
        onChunk?.();
      } catch (error) {
        late = error;
      }
      late ??= pastDeadline(deadline, url);
      if (late !== undefined) {
        discard(stream);
        finish(late);
        return;
      }
      if (total + chunk.length > limit) {
        stream.pause();
        if (stream === raw && typeof raw.dump === 'function') raw.dump({ limit: DRAIN_LIMIT_BYTES }).catch(ignore);
        else discard(stream);
        finish(new ResponseTooLargeError(url, limit));
        return;
      }
      total += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = (error: unknown) => {
      discard(stream);
      finish(
        isZlibError(error) ? new ResponseDecodeError(`corrupt encoded body from ${url}`, { cause: error }) : error,
      );
    };
    const onClose = () => {
      // Closed without 'end' and without an error: the body was cut short.
      if (!stream.readableEnded)
        finish(Object.assign(new Error('response body closed early'), { code: 'UND_ERR_SOCKET' }));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}
