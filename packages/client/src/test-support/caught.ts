/**
 * Settles `promise` to what it rejected with, or `undefined` when it resolved, so a test can
 * assert on an error without a try/catch and without letting a rejection go unhandled while it
 * drives the clock or the server first.
 */
export function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}
