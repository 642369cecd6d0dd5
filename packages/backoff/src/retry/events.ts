import type { Outcome } from '@sentinel/core';

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
