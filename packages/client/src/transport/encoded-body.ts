import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';

/** What the stream tells the hop that feeds it. */
export interface HopLink {
  /** Abort the request: the body is not wanted any more. */
  abort(reason: unknown): void;
  /** The body is over (ended or destroyed): stop following the caller's signal. */
  release(): void;
}

/**
 * An encoded body's chunks as a stream, with backpressure: undici pauses while the decoders
 * are full and resumes when they read. Destroying it before its end aborts the request.
 */
export class EncodedBody extends Readable {
  readonly #controller: Dispatcher.DispatchController;
  readonly #hop: HopLink;

  constructor(controller: Dispatcher.DispatchController, hop: HopLink) {
    super();
    this.#controller = controller;
    this.#hop = hop;
  }

  override _read(): void {
    if (this.#controller.paused) this.#controller.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (!this.readableEnded) this.#hop.abort(error ?? new Error('response body destroyed'));
    this.#hop.release();
    callback(error);
  }
}
