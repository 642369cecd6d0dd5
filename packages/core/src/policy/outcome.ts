/**
 * How a call ended: a resolved value or a thrown error. Policies judge outcomes through
 * predicates, because a resolved value can still be a failure (an HTTP 503).
 */
export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

/** A predicate over outcomes, e.g. a breaker's `isFailure` or a retry's `shouldRetry`. */
export type OutcomePredicate<T = unknown> = (outcome: Outcome<T>) => boolean;

/** The outcome of a call that resolved with `value`. */
export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

/** The outcome of a call that threw `error`. */
export function failure(error: unknown): Outcome<never> {
  return { ok: false, error };
}

/** Waits for `work` (a promise, or a function returning a value or a promise) and reports how it ended. Never rejects. */
export async function settle<T>(work: PromiseLike<T> | (() => T | PromiseLike<T>)): Promise<Outcome<T>> {
  try {
    return success(await (typeof work === 'function' ? work() : work));
  } catch (error) {
    return failure(error);
  }
}

/** The value of a successful outcome; throws the error of a failed one, unchanged. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw outcome.error;
}
