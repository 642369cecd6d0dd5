/**
 * `@sentinel/core`: the contract every HTTP Sentinel package is built on — the `Policy`
 * interface and `compose()`, outcomes, the injectable `Clock` and `Random`, typed errors, typed
 * events, the `timeout()` and `fallback()` policies, and the option checks every factory uses.
 */
export type { Backoff } from './backoff/backoff.ts';
export { type Clock, MAX_DELAY_MS, rejectInvalidSleep } from './clock/clock.ts';
export { type Random, systemRandom } from './clock/random.ts';
export { systemClock, systemWallClock, type WallClock } from './clock/system-clock.ts';
export { AttemptScope, type AttemptScopeOptions, abortSignalOf, contextFor, isAborted } from './context/context.ts';
export {
  ConfigError,
  type ConfigErrorDetails,
  describeValue,
  isConfigError,
  isRejectedError,
  isSentinelError,
  isTimeoutError,
  RejectedError,
  type RejectedErrorOptions,
  SentinelError,
  type SentinelErrorOptions,
  TimeoutError,
} from './errors/errors.ts';
export { isNonRetryable, markNonRetryable, retryAfterOf } from './errors/retry-hints.ts';
export {
  type Disposer,
  Emitter,
  type Listener,
  type ListenerErrorHandler,
  reportListenerError,
} from './events/events.ts';
export type { FallbackEvent, FallbackFailedEvent, FallbackStatus } from './fallback/events.ts';
export { type FallbackPolicy, fallback } from './fallback/fallback.ts';
export type { FallbackOptions } from './fallback/options.ts';
export { describeRule, type NumberRule, type OptionChecker, optionChecker } from './options/option-checker.ts';
export { type ComposedPolicy, compose, runOperation } from './policy/compose.ts';
export { type Decision, type DecisionListener, reportDecision } from './policy/decision.ts';
export { failure, type Outcome, type OutcomePredicate, settle, success, unwrap } from './policy/outcome.ts';
export { type PipelineOptions, pipeline } from './policy/pipeline.ts';
export type { ExecuteOptions, ExecutionContext, Operation, Policy } from './policy/policy.ts';
export { type TimeoutDecision, type TimeoutOptions, type TimeoutPolicy, timeout } from './timeout/timeout.ts';
