/**
 * `@sentinel/breaker`: a circuit breaker with consecutive, count-window, time-window and
 * slow-call triggers, half-open probe limits, per-key groups and a permit API.
 */
export type { CircuitBreaker, CircuitBreakerStatus } from './api.ts';
export {
  type BreakerCreatedEvent,
  type BreakerGroup,
  type BreakerGroupOptions,
  breakerGroup,
} from './breaker-group.ts';
export { circuitBreaker } from './circuit-breaker.ts';
export { CIRCUIT_OPEN, CircuitOpenError, isCircuitOpenError, type RejectingState } from './errors.ts';
export type {
  BreakerDecision,
  BreakerProbeDecision,
  BreakerRejectDecision,
  CircuitState,
  CloseEvent,
  CloseReason,
  FailureEvent,
  HalfOpenEvent,
  OpenEvent,
  OpenReason,
  RejectEvent,
  StateChangeEvent,
  SuccessEvent,
} from './events.ts';
export type { CircuitBreakerOptions } from './options.ts';
export type { Permit } from './permit.ts';
export type { CircuitBreakerSnapshot } from './snapshot.ts';
export { type ConsecutiveOptions, type ConsecutiveTrigger, consecutive } from './triggers/consecutive.ts';
export { type CountWindowOptions, type CountWindowTrigger, countWindow } from './triggers/count-window.ts';
export type { SlowCallOptions } from './triggers/slow-calls.ts';
export { type TimeWindowOptions, type TimeWindowTrigger, timeWindow } from './triggers/time-window.ts';
export type { Trigger, TriggerMetrics, TriggerSnapshot, TriggerWindow } from './triggers/trigger.ts';
