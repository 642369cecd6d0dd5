import { Readable } from 'node:stream';
import type { Trace } from '../trace/trace.ts';
import { discard, readAll } from './decode.ts';

/** When each phase of a request ended, in ms since the request started (on the client's clock). */
export interface Timings {
  /** Headers of the final response received. */
  readonly headersMs: number;
  /** Body fully read (buffered mode), or `undefined` while a stream is being consumed. */
  readonly bodyMs: number | undefined;
}

/** Response metadata shared by both modes. */
export interface ResponseInit {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly url: string;
  readonly redirects: readonly string[];
  readonly attempts: number;
  readonly timings: Timings;
}

const decoder = new TextDecoder();

/** Synchronous access to a buffered body, for error excerpts (not exported from the package). */
export const BUFFERED = Symbol('buffered');

/**
 * A response. In buffered mode (the default) the body is already read, decoded and bounded by
 * `maxResponseBytes`; `bytes()`, `text()` and `json()` may be called any number of times. In
 * stream mode (`stream: true`) `body` is the decoded stream: consume it, cancel it, or dispose the
 * response (`await using`) so the connection is released; `bytes()`/`text()`/`json()` read it
 * once, bounded by `maxResponseBytes`.
 */
export class ClientResponse implements ResponseInit {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[]>>;
  readonly url: string;
  readonly redirects: readonly string[];
  readonly attempts: number;
  timings: Timings;
  /** The request's decision trace (see `formatTrace`), when it was traced (`trace: true`). */
  declare readonly trace?: Trace;
  #buffer: Buffer | undefined;
  #stream: Readable | undefined;
  readonly #limit: number;
  readonly #streamed: boolean;

  /**
   * @param streamed - the caller asked for stream mode but the body was read already (a
   *   retryable status, read whole in case it was retried): `body` is then a stream over it.
   */
  constructor(
    init: ResponseInit,
    buffer: Buffer | undefined,
    stream: Readable | undefined,
    limit: number,
    streamed = false,
  ) {
    this.status = init.status;
    this.headers = init.headers;
    this.url = init.url;
    this.redirects = init.redirects;
    this.attempts = init.attempts;
    this.timings = init.timings;
    this.#buffer = buffer;
    this.#stream = stream;
    this.#limit = limit;
    this.#streamed = streamed;
  }

  /** The buffered bytes, or undefined in stream mode (internal). */
  [BUFFERED](): Buffer | undefined {
    return this.#buffer;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The decoded body stream in stream mode; `null` in buffered mode. */
  get body(): Readable | null {
    if (this.#stream === undefined && this.#streamed && this.#buffer !== undefined) {
      this.#stream = Readable.from([this.#buffer], { objectMode: false });
    }
    return this.#stream ?? null;
  }

  /** The body as bytes. */
  bytes(): Promise<Uint8Array> {
    // Buffered (the common case): no async function, no extra promise per response.
    const buffer = this.#buffer;
    if (buffer !== undefined) return Promise.resolve(buffer);
    return this.#read();
  }

  async #read(): Promise<Uint8Array> {
    const stream = this.#stream;
    if (stream === undefined) return new Uint8Array(0);
    if (stream.readableEnded || stream.destroyed) throw new TypeError('the response body was already consumed');
    this.#buffer = await readAll(stream, this.#limit, this.url);
    return this.#buffer;
  }

  /** The body as UTF-8 text. */
  text(): Promise<string> {
    const buffer = this.#buffer;
    if (buffer !== undefined) return Promise.resolve(decoder.decode(buffer));
    return this.#read().then((bytes) => decoder.decode(bytes));
  }

  /** The body parsed as JSON. The type parameter is an assertion, not a validation. */
  async json<T = unknown>(): Promise<T> {
    return JSON.parse(await this.text()) as T;
  }

  /** Releases the connection: destroys an unconsumed stream. Idempotent; no-op in buffered mode. */
  async [Symbol.asyncDispose](): Promise<void> {
    const stream = this.#stream;
    if (stream !== undefined && !stream.readableEnded && !stream.destroyed) discard(stream);
  }
}
