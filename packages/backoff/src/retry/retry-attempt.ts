import { AttemptScope } from '@sentinel/core';

/*
 * A retry aborts an attempt's scope only once that attempt has settled (to cancel leftovers when
 * it supersedes it), never while it runs: I/O handed abortSignalOf(ctx) then needs no signal of
 * its own unless the caller or an enclosing timeout can abort it.
 */
export const SETTLED_ONLY = Object.freeze({ abortedOnlyAfterSettling: true });

const dispose = (scope: RetryAttempt) => () => scope.dispose();

/**
 * An attempt's scope that the retry can watch without a closure on the success path. A scope
 * must be disposed when its attempt settles only if its signal was read (reading links it to the
 * caller's signal). So the retry hands over the attempt's promise with {@link watch}: if the
 * signal is read, now or later, disposal is chained to that promise then; if it never is, nothing
 * is allocated and nothing needs undoing.
 */
export class RetryAttempt extends AttemptScope {
  #promise: Promise<unknown> | undefined;
  #read = false;

  /** Disposes this scope when `promise` settles, as soon as the signal has been read. */
  watch(promise: Promise<unknown>): void {
    if (this.#read) this.#disposeAfter(promise);
    else this.#promise = promise;
  }

  override get signal(): AbortSignal {
    if (!this.#read) {
      this.#read = true;
      const promise = this.#promise;
      if (promise !== undefined) {
        this.#promise = undefined;
        this.#disposeAfter(promise);
      }
    }
    return super.signal;
  }

  #disposeAfter(promise: Promise<unknown>): void {
    const done = dispose(this);
    promise.then(done, done);
  }
}
