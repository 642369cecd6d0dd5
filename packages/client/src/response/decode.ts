import { pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { ResponseDecodeError, ResponseTooLargeError } from '../errors.ts';

/** At most this many content codings are undone; more is a decompression-bomb pattern. */
export const MAX_ENCODINGS = 5;

/** The codings listed in `Content-Encoding`, in the order they were applied; `identity` is dropped. */
export function parseContentEncoding(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
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
 * inflated first. The stream is destroyed on any failure.
 */
export async function readAll(stream: Readable, limit: number, url: string, onChunk?: () => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      onChunk?.();
      total += chunk.length;
      if (total > limit) throw new ResponseTooLargeError(url, limit);
      chunks.push(chunk);
    }
  } catch (error) {
    stream.destroy();
    if (isZlibError(error)) throw new ResponseDecodeError(`corrupt encoded body from ${url}`, { cause: error });
    throw error;
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
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
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, limit);
}
