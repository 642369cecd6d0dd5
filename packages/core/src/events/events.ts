import { ConfigError } from '../errors/errors.ts';

/** A function called with an event's payload. */
export type Listener<T> = (payload: T) => void;

/**
 * Returned by every `on*` method: `dispose()` removes the listener. It also works with `using`,
 * so a listener can live exactly as long as a block.
 */
export interface Disposer {
  dispose(): void;
  [Symbol.dispose](): void;
}

/** Where an error thrown by a listener goes; see {@link Emitter}. */
export type ListenerErrorHandler = (error: unknown) => void;

/**
 * The default for listener errors: rethrow on a fresh microtask, the way the platform's own
 * `EventTarget` reports them. The emitting policy has already finished its own bookkeeping, so its
 * state is never corrupted; the error surfaces as an uncaught exception where it can be seen
 * (Node's `uncaughtException`, a browser's `error` event) rather than vanishing.
 */
export const reportListenerError: ListenerErrorHandler = (error) => {
  queueMicrotask(() => {
    throw error;
  });
};

/**
 * A tiny typed event: policies keep one per event and expose `emitter.subscribe` as their
 * `onX` method. Listeners run synchronously in subscription order; one that throws does not stop
 * the others, and its error goes to `onListenerError` (default {@link reportListenerError}).
 * Subscribing or unsubscribing during an emit affects the next emit, not the current one.
 */
export class Emitter<T> {
  // Copy-on-write: emit iterates a snapshot without copying, and an empty emit is a length check.
  // Starts as one shared empty array, so an emitter nobody subscribes to allocates nothing more.
  #listeners: readonly Listener<T>[] = NO_LISTENERS as readonly Listener<T>[];
  #subscribe: ((listener: Listener<T>) => Disposer) | undefined;
  readonly #onListenerError: ListenerErrorHandler;

  constructor(onListenerError: ListenerErrorHandler = reportListenerError) {
    this.#onListenerError = onListenerError;
  }

  /**
   * Whether anyone listens. Check it before building a payload, so an event nobody listens to
   * costs no allocation on a hot path.
   */
  get hasListeners(): boolean {
    return this.#listeners.length > 0;
  }

  /** Number of current listeners. */
  get size(): number {
    return this.#listeners.length;
  }

  /**
   * Adds `listener` and returns its disposer. Bound, so `onOpen = emitter.subscribe` works; the
   * bound function is made on first access, not per emitter.
   */
  get subscribe(): (listener: Listener<T>) => Disposer {
    this.#subscribe ??= (listener) => this.#add(listener);
    return this.#subscribe;
  }

  #add(listener: Listener<T>): Disposer {
    if (typeof listener !== 'function') {
      // A typed error naming the value, like every other bad argument (it was a bare TypeError).
      throw new ConfigError({ owner: 'subscribe', option: 'listener', value: listener, expected: 'a function' });
    }
    // Wrapping makes each subscription distinct, so the same function added twice is removed once per disposer.
    const entry: Listener<T> = (payload) => listener(payload);
    this.#listeners = [...this.#listeners, entry];
    let active = true;
    const dispose = () => {
      if (!active) return;
      active = false;
      this.#listeners = this.#listeners.filter((candidate) => candidate !== entry);
    };
    return { dispose, [Symbol.dispose]: dispose };
  }

  /** Calls every listener with `payload`. Never throws. */
  emit(payload: T): void {
    const listeners = this.#listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as Listener<T>)(payload);
      } catch (error) {
        try {
          this.#onListenerError(error);
        } catch {
          // A failing error handler must not break the emitting policy either.
        }
      }
    }
  }

  /** Removes every listener (for a policy's `close()`/`dispose()`). */
  clear(): void {
    this.#listeners = NO_LISTENERS as readonly Listener<T>[];
  }
}

const NO_LISTENERS: readonly Listener<never>[] = Object.freeze([]);
