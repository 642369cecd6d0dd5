import type { Outcome } from '../policy/outcome.ts';
import type { ExecutionContext } from '../policy/policy.ts';

/** Options of `fallback()`. */
export interface FallbackOptions<R> {
  /**
   * What the call returns instead of a handled outcome: given that outcome (the error thrown, or
   * the value judged a failure) and the call's context, whose signal still follows the caller's.
   * May be async; if it throws, the call rejects with that error.
   */
  readonly fallback: (outcome: Outcome<unknown>, context: ExecutionContext) => R | PromiseLike<R>;
  /**
   * Which outcomes to replace. Return `true` for a resolved value to replace it too (an HTTP 503
   * response). Never consulted once the caller's signal has aborted: an abort is not a failure to
   * fall back from. If it throws, the call rejects with that error.
   * @default outcome => !outcome.ok (every thrown error, none of the values)
   */
  readonly shouldHandle?: ((outcome: Outcome<unknown>) => boolean) | undefined;
}

/** Handles every thrown error and no resolved value. */
export const handleErrors = (outcome: Outcome<unknown>): boolean => !outcome.ok;
