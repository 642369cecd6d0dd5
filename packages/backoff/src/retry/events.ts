import type { Decision, Outcome } from '@sentinel/core';

/** Which delay won before a retry: the backoff's, or a hint such as a server's Retry-After. */
export type DelaySource = 'backoff' | 'retry-after';

/** Payload of `onRetry`: an attempt failed and another will start after `delayMs`. */
export interface RetryEvent {
  /** The attempt that failed, 1 for the first. The next attempt is `attempt + 1`. */
  readonly attempt: number;
  /** How long the policy waits before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** `'retry-after'` when the outcome's hint was longer than the backoff's delay. */
  readonly delaySource: DelaySource;
  /** How the failed attempt ended: a thrown error or a resolved value judged a failure. */
  readonly outcome: Outcome<unknown>;
}

/** Why a retry policy stopped with a failure. */
export type GiveUpReason =
  /** `maxAttempts` attempts were made. */
  | 'attempts'
  /** `shouldRetry` said the failure is not worth retrying (by default: a marked or aborted error). */
  | 'not-retryable'
  /** The outcome's retry-after hint was longer than `maxRetryAfterMs`. */
  | 'retry-after'
  /** The next wait and attempt would have ended past `maxElapsedMs`. */
  | 'deadline'
  /** The shared retry budget had no retry left. */
  | 'budget';

/** Payload of `onGiveUp`: the call ends with its last outcome (rethrown or returned). */
export interface GiveUpEvent {
  /** Attempts made, including the first. */
  readonly attempts: number;
  /** Why no further attempt starts. */
  readonly reason: GiveUpReason;
  /** The last attempt's outcome, which the call returns or rethrows unchanged. */
  readonly outcome: Outcome<unknown>;
}

/** Payload of `onSuccess`: the call succeeded after `attempts` attempts. */
export interface SuccessEvent {
  /** Attempts made, including the first; 1 when no retry was needed. */
  readonly attempts: number;
}

/**
 * What a retry reports to a call's `onDecision` (see core's `ExecuteOptions`): for that call, a
 * wait before the next attempt, or the end.
 */
export type RetryDecision = RetryWaitDecision | RetryGiveUpDecision;

/** The retry waits `delayMs` before attempt `attempt + 1`. */
export interface RetryWaitDecision extends Decision {
  readonly layer: 'retry';
  readonly decision: 'wait';
  /** The attempt that failed. */
  readonly attempt: number;
  /** The wait, in milliseconds: the longer of the backoff's delay and the outcome's hint. */
  readonly delayMs: number;
  /** Which delay won. */
  readonly delaySource: DelaySource;
  /** The backoff's delay for this attempt. */
  readonly backoffMs: number;
  /** The outcome's retry-after hint (a server's Retry-After, an open breaker's wait), when it had one. */
  readonly retryAfterMs?: number;
}

/** The retry stops: the call ends with its last outcome. */
export interface RetryGiveUpDecision extends Decision {
  readonly layer: 'retry';
  readonly decision: 'give-up';
  /** Attempts made, including the first. */
  readonly attempts: number;
  readonly reason: GiveUpReason;
}
