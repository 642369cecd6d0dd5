import { isSentinelError, SentinelError } from '@sentinel/core';

/**
 * The reason a hedge aborts the signal of an attempt that did not settle the call: another
 * attempt won (or the call gave up with another's outcome), so whatever this one still runs (a
 * request, a response body) is cancelled. Work can tell it apart from a caller's abort with
 * {@link isHedgeLostError}. It never reaches the caller of `execute`.
 */
export class HedgeLostError extends SentinelError<'SENTINEL_HEDGE_LOST'> {
  /** The attempt that was cancelled, 1 for the primary. */
  readonly attempt: number;
  /** The attempt whose outcome settled the call. */
  readonly winner: number;

  constructor(attempt: number, winner: number) {
    super('SENTINEL_HEDGE_LOST', `hedged attempt ${attempt} was cancelled: attempt ${winner} settled the call`);
    this.attempt = attempt;
    this.winner = winner;
  }
}
// On the prototype, like core's errors: the name survives minifiers and costs no per-instance slot.
Object.defineProperty(HedgeLostError.prototype, 'name', {
  value: 'HedgeLostError',
  writable: true,
  configurable: true,
});

/** True for a {@link HedgeLostError} from any installed copy of this package. */
export function isHedgeLostError(error: unknown): error is HedgeLostError {
  return isSentinelError(error) && error.code === 'SENTINEL_HEDGE_LOST';
}
