import { type Decision, Emitter, type Outcome } from '@sentinel/core';
import type { RejectingState } from './errors.ts';

/** The breaker's states. `'isolated'` is the forced-open state held by `isolate()`. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** Payload of `onStateChange`: every transition, with the clock time it happened at. */
export interface StateChangeEvent {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** `clock.now()` at the transition. */
  readonly at: number;
}

/** Why the breaker opened: its trigger, a failed or timed-out probe, or `trip()` from outside. */
export type OpenReason = 'trigger' | 'probe-failed' | 'probe-timeout' | 'tripped';

/** Payload of `onOpen`. */
export interface OpenEvent {
  readonly reason: OpenReason;
  /** How long this open period lasts, in milliseconds (from `halfOpenAfter`). */
  readonly openForMs: number;
  /** Opens in a row without a close in between: 1 the first time; the backoff's `attempt`. */
  readonly attempt: number;
  /** The outcome that tripped the breaker, when one did (not for `'probe-timeout'` or `'tripped'`). */
  readonly outcome: Outcome<unknown> | undefined;
  /** The text given to `trip(ms, detail)`; `undefined` for every other open. */
  readonly detail: string | undefined;
}

/** Payload of `onHalfOpen`. */
export interface HalfOpenEvent {
  /** How long the breaker was open before this transition, in milliseconds. */
  readonly openedForMs: number;
}

/** Why the breaker closed. */
export type CloseReason = 'probes-succeeded' | 'reset' | 'isolation-released';

/** Payload of `onClose`. */
export interface CloseEvent {
  readonly reason: CloseReason;
}

/** Payload of `onReject`: a call or `tryAcquire()` was refused. */
export interface RejectEvent {
  readonly state: RejectingState;
  readonly retryAfterMs: number | undefined;
}

/** Payload of `onSuccess`: a counted call succeeded (including a slow one). */
export interface SuccessEvent {
  /** The state the call ran in. */
  readonly state: 'closed' | 'half-open';
  /** Whether it took at least the trigger's `slowCallMs`. */
  readonly slow: boolean;
  /** How long it took, when the breaker timed it (slow-call detection on, or a success/failure listener present at the start); otherwise `undefined`. */
  readonly durationMs: number | undefined;
}

/** Payload of `onFailure`: a counted call failed. */
export interface FailureEvent extends SuccessEvent {
  readonly outcome: Outcome<unknown>;
}

/**
 * What a breaker reports to a call's `onDecision` (see core's `ExecuteOptions`): it refused that
 * call, or let it through as a half-open probe. A call a closed breaker runs is not reported.
 */
export type BreakerDecision = BreakerRejectDecision | BreakerProbeDecision;

/** The breaker refused the call; it never ran. */
export interface BreakerRejectDecision extends Decision {
  readonly layer: 'breaker';
  readonly decision: 'reject';
  readonly state: RejectingState;
  /** Milliseconds until the breaker expects to admit calls again, when it knows. */
  readonly retryAfterMs?: number;
}

/** The call runs as one of the half-open breaker's probes: its outcome closes or re-opens it. */
export interface BreakerProbeDecision extends Decision {
  readonly layer: 'breaker';
  readonly decision: 'probe';
}

/**
 * The breaker's emitters, created one by one on first subscription: a breaker nobody listens to
 * carries none (seven emitters would triple the size of a `consecutive` breaker).
 */
export class BreakerEvents {
  stateChange: Emitter<StateChangeEvent> | undefined;
  open: Emitter<OpenEvent> | undefined;
  halfOpen: Emitter<HalfOpenEvent> | undefined;
  close: Emitter<CloseEvent> | undefined;
  reject: Emitter<RejectEvent> | undefined;
  success: Emitter<SuccessEvent> | undefined;
  failure: Emitter<FailureEvent> | undefined;

  /** Whether call outcomes have listeners, so calls should be timed for `durationMs`. */
  get timed(): boolean {
    return this.success?.hasListeners === true || this.failure?.hasListeners === true;
  }
}

export type EventName = Exclude<keyof BreakerEvents, 'timed'>;
type PayloadOf<K extends EventName> = BreakerEvents[K] extends Emitter<infer T> | undefined ? T : never;

/** The emitter for `name`, created on first use. */
export function emitterOf<K extends EventName>(events: BreakerEvents, name: K): Emitter<PayloadOf<K>> {
  let emitter = events[name] as Emitter<PayloadOf<K>> | undefined;
  if (emitter === undefined) {
    emitter = new Emitter<PayloadOf<K>>();
    (events as unknown as Record<K, Emitter<PayloadOf<K>>>)[name] = emitter;
  }
  return emitter;
}
