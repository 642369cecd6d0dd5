import { isSentinelError, SentinelError } from '@sentinel/core';

/**
 * The reason a retry aborts the signal of an attempt that failed, just before it waits and starts
 * the next one: whatever that attempt left running (a response body, a child request) is
 * cancelled, and attempts never overlap. Work can tell it apart from a caller's abort with
 * {@link isAttemptSupersededError}. It never reaches the caller of `execute`.
 */
export class AttemptSupersededError extends SentinelError<'SENTINEL_ATTEMPT_SUPERSEDED'> {
  /** The attempt that was superseded, 1 for the first. */
  readonly attempt: number;

  constructor(attempt: number) {
    super('SENTINEL_ATTEMPT_SUPERSEDED', `attempt ${attempt} failed and was superseded by a retry`);
    this.attempt = attempt;
  }
}
// On the prototype, like core's errors: the name survives minifiers and costs no per-instance slot.
Object.defineProperty(AttemptSupersededError.prototype, 'name', {
  value: 'AttemptSupersededError',
  writable: true,
  configurable: true,
});

/** True for an {@link AttemptSupersededError} from any installed copy of this package. */
export function isAttemptSupersededError(error: unknown): error is AttemptSupersededError {
  return isSentinelError(error) && error.code === 'SENTINEL_ATTEMPT_SUPERSEDED';
}
