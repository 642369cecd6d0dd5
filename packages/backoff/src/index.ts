/**
 * `@sentinel/backoff`: backoff schedules you can print, a retry policy with Retry-After hints,
 * deadlines and a retry budget shared between policies, and hedging (parallel attempts after a
 * delay) that draws on the same budget.
 */

// Core's schedule type, re-exported so a custom backoff can be typed from this package alone.
export type { Backoff } from '@sentinel/core';
export {
  type RetryBudget,
  type RetryBudgetOptions,
  type RetryBudgetStatus,
  retryBudget,
} from './budget/retry-budget.ts';
export { HedgeLostError, isHedgeLostError } from './hedge/errors.ts';
export type {
  HedgeEvent,
  HedgeGiveUpEvent,
  HedgeGiveUpReason,
  HedgeLatencyStatus,
  HedgeReason,
  HedgeStatus,
  WinEvent,
} from './hedge/events.ts';
export { type HedgePolicy, hedge } from './hedge/hedge.ts';
export type { HedgeDelay, HedgeOptions, PercentileDelay } from './hedge/options.ts';
export { AttemptSupersededError, isAttemptSupersededError } from './retry/errors.ts';
export type {
  DelaySource,
  GiveUpEvent,
  GiveUpReason,
  RetryDecision,
  RetryEvent,
  RetryGiveUpDecision,
  RetryWaitDecision,
  SuccessEvent,
} from './retry/events.ts';
export type { RetryOptions } from './retry/options.ts';
export { type RetryPresetName, retryPresets } from './retry/presets.ts';
export { type RetryPolicy, type RetryStatus, retry } from './retry/retry.ts';
export { type DelaysOptions, delays } from './schedules/delays.ts';
export { capped, equalJitter, fullJitter } from './schedules/modifiers.ts';
export {
  constant,
  type DecorrelatedJitterOptions,
  decorrelatedJitter,
  type ExponentialOptions,
  exponential,
  type LinearOptions,
  linear,
} from './schedules/shapes.ts';
