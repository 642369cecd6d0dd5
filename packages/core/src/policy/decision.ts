import { reportListenerError } from '../events/events.ts';

/**
 * What a policy decided about one call: a retry's wait, a breaker's refusal, a limiter's wait, a
 * timeout. Policies report decisions to the call's `onDecision` (see `ExecuteOptions`), which is
 * how a caller gets a per-call trace out of policies that are shared by many calls and whose
 * events (`onRetry`, `onReject`, ...) therefore cannot say which call they were about.
 *
 * Each policy adds its own fields (`delayMs`, `state`, ...), always plain JSON data (strings,
 * finite numbers, booleans), never `undefined`: a decision must survive `JSON.stringify`.
 */
export interface Decision {
  /** The policy that decided: `'retry'`, `'breaker'`, `'rate-limit'`, `'timeout'`, or your own policy's name. */
  readonly layer: string;
  /** What it decided, e.g. `'wait'`, `'give-up'`, `'reject'`, `'timeout'`. */
  readonly decision: string;
}

/** Receives a call's decisions; see `ExecuteOptions.onDecision`. */
export type DecisionListener = (decision: Decision) => void;

/**
 * Hands `decision` to `listener`. A listener that throws never breaks the policy: its error goes to
 * {@link reportListenerError}, as an event listener's would. Policies read `onDecision` first and
 * build the decision only when it is there, so a call nobody traces pays one property read.
 *
 * @example
 * const onDecision = options?.onDecision;
 * if (onDecision !== undefined) reportDecision(onDecision, { layer: 'my-policy', decision: 'skip' });
 */
export function reportDecision<D extends Decision>(listener: DecisionListener, decision: D): void {
  try {
    listener(decision);
  } catch (error) {
    reportListenerError(error);
  }
}
