import type { Disposer, Listener, Policy } from '@sentinel/core';
import type {
  CircuitState,
  CloseEvent,
  FailureEvent,
  HalfOpenEvent,
  OpenEvent,
  RejectEvent,
  StateChangeEvent,
  SuccessEvent,
} from './events.ts';
import type { Permit } from './permit.ts';
import type { CircuitBreakerSnapshot } from './snapshot.ts';

/**
 * What `status()` returns: a plain, JSON-serialisable reading (the seed's `getCircuitBreakerStatus()`).
 * It survives `JSON.parse(JSON.stringify(status))` unchanged: fields with no value are `null`.
 */
export interface CircuitBreakerStatus {
  readonly state: CircuitState;
  /** Failures over counted calls in the window, in [0, 1]. */
  readonly failureRate: number;
  /** Slow calls over counted calls in the window, in [0, 1]. */
  readonly slowCallRate: number;
  /** Counted calls in the window (for `consecutive`, the current run of failures). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** `clock.now()` when the breaker last opened; `null` unless open or half-open. */
  readonly openedAt: number | null;
  /**
   * When a call would be admitted: 0 when it would be now, the time left when open, the last
   * open period when half-open with every probe slot taken, `null` when isolated (no time is known).
   */
  readonly retryAfterMs: number | null;
  /** Probes in flight (half-open). */
  readonly probesInFlight: number;
  /** Active `isolate()` holds. */
  readonly isolations: number;
  /** Opens in a row without a close. */
  readonly attempt: number;
}

/** A circuit breaker: a {@link Policy} plus a permit API, controls and typed events. */
export interface CircuitBreaker extends Policy {
  /** The current state (an elapsed open period turns into half-open when read). */
  readonly state: CircuitState;
  /**
   * A permit for one call, or `undefined` when the breaker refuses it (open, isolated, or every
   * probe slot taken). Settle it exactly once with `success`, `failure` or `ignore`.
   */
  tryAcquire(): Permit | undefined;
  /**
   * Forces the breaker open (state `'isolated'`) until every returned disposer is disposed
   * (reference-counted); the last release closes it with an empty window.
   */
  isolate(): Disposer;
  /**
   * Opens the breaker from outside for `ms` milliseconds (an advisory from another process, a
   * status page, a 503 with `Retry-After` seen elsewhere): rejections carry `retryAfterMs` for
   * the time left, and when it has elapsed the breaker half-opens and probes as usual. Counts as
   * an open in a row (`attempt`), with `ms` as the last open period. Open already: the period
   * is extended to `ms` from now if that is later, never shortened, and no event fires.
   * Isolated: nothing changes (isolation outranks it). Emits `onOpen` with `reason: 'tripped'`
   * and `detail`.
   * @throws ConfigError when `ms` is not a duration in [0, 2^31 − 1] or `detail` not a string.
   */
  trip(ms: number, detail?: string): void;
  /**
   * Closes the breaker and forgets its window and open history. Outcomes of calls started before
   * are ignored. It does not lift `isolate()` holds.
   */
  reset(): void;
  status(): CircuitBreakerStatus;
  /** A snapshot for `initialState` (see {@link CircuitBreakerSnapshot}). */
  toJSON(): CircuitBreakerSnapshot;
  onStateChange(listener: Listener<StateChangeEvent>): Disposer;
  onOpen(listener: Listener<OpenEvent>): Disposer;
  onHalfOpen(listener: Listener<HalfOpenEvent>): Disposer;
  onClose(listener: Listener<CloseEvent>): Disposer;
  onReject(listener: Listener<RejectEvent>): Disposer;
  onSuccess(listener: Listener<SuccessEvent>): Disposer;
  onFailure(listener: Listener<FailureEvent>): Disposer;
}
