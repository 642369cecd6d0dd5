/**
 * A promise that rejects with `error` one microtask from now.
 *
 * `Promise.reject(error)` costs ~1 µs in Node: nobody listens yet, so the unhandled-rejection
 * bookkeeping runs, and undoes itself when the caller attaches a handler. A promise resolved with
 * a thenable settles in a later job, once the caller has attached its handler, and needs no
 * `throw` (unwinding a throw in a reaction job costs ~0.4 µs). A caller that never attaches a
 * handler still gets the usual unhandled-rejection report.
 */
export function rejectLater(error: unknown): Promise<never> {
  return Promise.resolve(new DeferredRejection(error) as unknown as PromiseLike<never>);
}

class DeferredRejection {
  readonly #error: unknown;

  constructor(error: unknown) {
    this.#error = error;
  }

  // biome-ignore lint/suspicious/noThenProperty: being a thenable is the point.
  then(_resolve: unknown, reject: (reason: unknown) => void): void {
    reject(this.#error);
  }
}
