import type { Readable } from 'node:stream';
import { isRedirectStatus, isRetryableStatus } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { ResponseTooLargeError } from '../errors.ts';
import { type BodyDeadline, DRAIN_LIMIT_BYTES, parseContentEncoding, pastDeadline } from '../response/decode.ts';
import { type Abortable, follow, type Relay } from './abort-relay.ts';
import { EncodedBody } from './encoded-body.ts';

/** Bytes of a redirect's body read (and dropped) before its connection is given up instead. */
export const REDIRECT_DRAIN_BYTES = 64 * 1024;

/** What one hop of a buffered request gave. */
export interface HopResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly headersAt: number;
  /** The body: whole (identity coding), what arrived before `bodyError`, or empty for a redirect. */
  readonly buffer: Buffer | undefined;
  /** An encoded body, to decode and read: its chunks as they arrive, with backpressure. */
  readonly encoded: Readable | undefined;
  /** The codings of `encoded`, in the order they were applied. */
  readonly encodings: readonly string[];
  /** A retryable status whose body is incomplete (too large, cut short): the raw failure. */
  readonly bodyError: unknown;
}

/** What a {@link BufferedHop} needs to judge the bytes it receives. */
export interface HopSettings {
  readonly clock: { now(): number };
  /** A redirect status is a hop to follow: its body is dropped. */
  readonly followRedirects: boolean;
  readonly maxResponseBytes: number;
  readonly url: string;
  /** Checked as chunks arrive (absent with a watchdog, which watches the total deadline itself). */
  readonly deadline: BodyDeadline | undefined;
  /** The watchdog's hooks, with a precise watchdog. */
  readonly onHeaders: (() => void) | undefined;
  readonly onChunk: (() => void) | undefined;
}

enum Mode {
  /** No final response yet. */
  Waiting,
  /** The whole body is the response's: over the cap it fails. */
  Collect,
  /** A retryable status: the body is kept within the cap, and a failure is saved, not thrown. */
  Keep,
  /** Past the cap of a kept body, or a redirect: read and dropped, up to a limit. */
  Drop,
  /** Encoded: the chunks go to a stream that decoders read. */
  Stream,
  /** Settled and nothing more to read. */
  Done,
}

/**
 * One hop of a buffered request as an undici dispatch handler: the body's chunks go straight
 * into an array (no Readable, no 'data' events, no async resource per request, which is what
 * `dispatcher.request()` plus reading its body costs), with the cap, the total deadline and the
 * watchdog's activity checked per chunk. An encoded body is handed on as a stream instead, for
 * the decoders. Settles once: at the end of the body, or at the headers for an encoded body.
 */
export class BufferedHop implements Dispatcher.DispatchHandler, Abortable {
  readonly #settings: HopSettings;
  // The caller's signal's relay while this hop follows it (kept, so leaving needs no lookup).
  readonly #relay: Relay | undefined;
  readonly #resolve: (response: HopResponse) => void;
  readonly #reject: (error: unknown) => void;
  #controller: Dispatcher.DispatchController | undefined;
  #reason: unknown;
  #aborted = false;
  #mode = Mode.Waiting;
  #status = 0;
  #headers: Record<string, string | string[]> = {};
  #headersAt = 0;
  #chunks: Buffer[] = [];
  #total = 0;
  #dropLimit = 0;
  #kept: Buffer | undefined;
  #keptError: unknown;
  #stream: EncodedBody | undefined;
  #encodings: readonly string[] = NO_ENCODINGS;
  #settled = false;
  // The body ended or failed: nothing of this hop is left to abort.
  #ended = false;
  #afterHeaders = false;

  constructor(
    settings: HopSettings,
    signal: AbortSignal | undefined,
    resolve: (response: HopResponse) => void,
    reject: (error: unknown) => void,
  ) {
    this.#settings = settings;
    this.#resolve = resolve;
    this.#reject = reject;
    this.#relay = signal === undefined ? undefined : follow(signal, this);
  }

  /** Aborts the hop (the caller's signal, a cap, a deadline): undici then calls onResponseError. */
  abort(reason: unknown): void {
    if (this.#aborted || this.#ended) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason as Error);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Called again when undici re-dispatches a pipelined request: keep the newest controller.
    this.#controller = controller;
    if (this.#aborted) controller.abort(this.#reason as Error);
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    status: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    // 1xx informational responses come before the final one.
    if (status < 200 || this.#mode !== Mode.Waiting) return;
    this.#afterHeaders = true;
    const settings = this.#settings;
    this.#status = status;
    this.#headers = headers as Record<string, string | string[]>;
    this.#headersAt = settings.clock.now();
    settings.onHeaders?.();
    if (settings.followRedirects && isRedirectStatus(status)) {
      this.#mode = Mode.Drop;
      this.#dropLimit = REDIRECT_DRAIN_BYTES;
      return;
    }
    const encodings = parseContentEncoding(headers['content-encoding']);
    if (encodings.length > 0) {
      this.#mode = Mode.Stream;
      this.#encodings = encodings;
      this.#stream = new EncodedBody(controller, this);
      this.#settle(undefined, this.#stream, undefined);
      return;
    }
    if (isRetryableStatus(status)) {
      this.#mode = Mode.Keep;
      return;
    }
    this.#mode = Mode.Collect;
    // A declared length over the cap fails before a byte is read.
    if (Number(headers['content-length']) > settings.maxResponseBytes) {
      this.#fail(new ResponseTooLargeError(settings.url, settings.maxResponseBytes));
    }
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    const mode = this.#mode;
    if (mode === Mode.Stream) {
      if (!(this.#stream as EncodedBody).push(chunk)) controller.pause();
      return;
    }
    if (mode === Mode.Drop) {
      this.#total += chunk.length;
      if (this.#total > this.#dropLimit) this.#giveUp();
      return;
    }
    if (mode !== Mode.Collect && mode !== Mode.Keep) return;
    const settings = this.#settings;
    let late: unknown;
    try {
      settings.onChunk?.();
    } catch (error) {
      late = error;
    }
    late ??= pastDeadline(settings.deadline, settings.url);
    if (late !== undefined) {
      if (mode === Mode.Keep) this.#keepUntil(late, false);
      else this.#fail(late);
      return;
    }
    const total = this.#total + chunk.length;
    if (total > settings.maxResponseBytes) {
      const tooLarge = new ResponseTooLargeError(settings.url, settings.maxResponseBytes);
      if (mode === Mode.Keep) this.#keepUntil(tooLarge, true);
      else this.#fail(tooLarge);
      return;
    }
    this.#total = total;
    this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    const mode = this.#mode;
    this.#ended = true;
    this.#finish();
    if (mode === Mode.Stream) (this.#stream as EncodedBody).push(null);
    else if (mode === Mode.Drop) this.#settle(this.#kept ?? EMPTY, undefined, this.#keptError);
    else if (mode === Mode.Collect || mode === Mode.Keep) this.#settle(this.#body(), undefined, undefined);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    const mode = this.#mode;
    this.#ended = true;
    this.#finish();
    // Our own abort (a cap, a deadline) arrives here as its reason: already settled.
    if (mode === Mode.Stream) (this.#stream as EncodedBody).destroy(error);
    else if (mode === Mode.Keep) this.#settle(this.#body(), undefined, error);
    else if (mode === Mode.Waiting || mode === Mode.Collect) this.#reject(error);
    else if (mode === Mode.Drop && this.#kept === undefined) {
      // A redirect whose dropped body failed: the connection is gone, the hop itself is fine.
      this.#settle(EMPTY, undefined, undefined);
    }
  }

  // A kept body stops at `error`: what arrived is the response's, with the error saved for the
  // caller in case this response is the last one. Past the cap the rest is read and dropped (up
  // to a limit) so the connection survives; after a deadline or a watchdog it is given up.
  #keepUntil(error: unknown, drain: boolean): void {
    this.#kept = this.#body();
    this.#keptError = error;
    if (drain) {
      this.#mode = Mode.Drop;
      this.#total = 0;
      this.#dropLimit = DRAIN_LIMIT_BYTES;
    } else {
      this.#mode = Mode.Done;
      this.abort(error);
      this.#finish();
    }
    this.#settle(this.#kept, undefined, error);
  }

  // The body is not wanted past here: the connection is closed rather than read to the end.
  #giveUp(): void {
    const reason = this.#keptError ?? new Error('response body dropped');
    this.#mode = Mode.Done;
    this.abort(reason);
    this.#finish();
    this.#settle(this.#kept ?? EMPTY, undefined, this.#keptError);
  }

  #fail(error: unknown): void {
    this.#mode = Mode.Done;
    this.abort(error);
    this.#finish();
    this.#reject(error);
  }

  #body(): Buffer {
    const chunks = this.#chunks;
    this.#chunks = [];
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#total);
  }

  #settle(buffer: Buffer | undefined, encoded: Readable | undefined, bodyError: unknown): void {
    // The response object is built once (a drained body ends after the hop settled).
    if (this.#settled) return;
    this.#settled = true;
    this.#resolve({
      status: this.#status,
      headers: this.#headers,
      headersAt: this.#headersAt,
      buffer,
      encoded,
      encodings: this.#encodings,
      bodyError,
    });
  }

  /** Whether the final response's headers arrived (a failure after them is a body failure). */
  get afterHeaders(): boolean {
    return this.#afterHeaders;
  }

  // Nothing more will arrive: stop following the caller's signal (an encoded body still being
  // read is aborted through its stream's destroy).
  #finish(): void {
    if (this.#mode === Mode.Stream) return;
    this.#relay?.delete(this);
    this.#mode = Mode.Done;
  }

  /** The encoded body ended or was destroyed: the signal no longer needs following. */
  release(): void {
    this.#relay?.delete(this);
  }
}

const EMPTY = Buffer.alloc(0);
const NO_ENCODINGS: readonly string[] = Object.freeze([]);
