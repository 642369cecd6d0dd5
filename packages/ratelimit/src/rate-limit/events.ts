import type { Decision } from '@sentinel/core';
import type { RateLimitedReason } from '../errors.ts';

/** Payload of `rateLimit().onRejected`: a call was refused and never started. */
export interface RateLimitRejectedEvent {
  readonly reason: RateLimitedReason;
  /** The limiter's estimate of when trying again makes sense, when it has one. */
  readonly retryAfterMs: number | undefined;
}

/** Payload of `rateLimit().onWait`: a call that had to wait got its permit(s) and is about to run. */
export interface RateLimitWaitEvent {
  /** How long it waited, in milliseconds on the policy's clock. */
  readonly waitedMs: number;
  /** Permits it took (the policy's `cost`). */
  readonly cost: number;
}

/**
 * What a rate-limit policy reports to a call's `onDecision` (see core's `ExecuteOptions`): the call
 * waited for its permit, or was refused. A call granted at once is not reported.
 */
export type RateLimitDecision = RateLimitWaitDecision | RateLimitRejectDecision;

/** The call waited `waitedMs` for its permit, then ran. */
export interface RateLimitWaitDecision extends Decision {
  readonly layer: 'rate-limit';
  readonly decision: 'wait';
  readonly waitedMs: number;
}

/** The call was refused and never ran. */
export interface RateLimitRejectDecision extends Decision {
  readonly layer: 'rate-limit';
  readonly decision: 'reject';
  readonly reason: RateLimitedReason;
  /** The limiter's estimate of when trying again makes sense, when it has one. */
  readonly retryAfterMs?: number;
}
