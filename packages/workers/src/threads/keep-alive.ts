import { MessageChannel } from 'node:worker_threads';

/**
 * Keeps the process alive while the pool owes someone an answer. Piscina unrefs idle threads and
 * their ports, so a script awaiting `createThreadPool`, `close` or a task waiting for a
 * replacement thread would otherwise exit with the promise pending. One ref'd port, touched
 * only when the count of pending promises goes 0 → 1 or 1 → 0.
 */
export class KeepAlive {
  readonly #channel = new MessageChannel();
  #count = 0;

  constructor() {
    // A port keeps the event loop alive only while it has a listener and is ref'd.
    this.#channel.port1.on('message', () => {});
    this.#channel.port1.unref();
  }

  hold(): void {
    if (this.#count++ === 0) this.#channel.port1.ref();
  }

  release(): void {
    if (--this.#count === 0) this.#channel.port1.unref();
  }

  close(): void {
    this.#channel.port1.close();
  }
}
