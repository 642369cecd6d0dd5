import type { RateLimitedReason } from '../errors.ts';

/** Payload of `rateLimit().onRejected`: a call was refused and never started. */
export interface RateLimitRejectedEvent {
  readonly reason: RateLimitedReason;
  /** The limiter's estimate of when trying again makes sense, when it has one. */
  readonly retryAfterMs: number | undefined;
}
