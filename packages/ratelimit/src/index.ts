/**
 * `@sentinel/ratelimit`: token bucket, sliding window, bulkhead, an adaptive bulkhead, per-key
 * limits, a lock-free limiter shared by worker threads, and `rateLimit()` to use any of them as a
 * `Policy`.
 * The distributed limiter on Redis lives under `@sentinel/ratelimit/redis`.
 */
export { type AdaptiveConcurrency, adaptiveConcurrency } from './adaptive/adaptive-concurrency.ts';
export type { AdaptiveConcurrencyStatus, LimitChangeEvent, LimitChangeReason } from './adaptive/events.ts';
export type { AdaptiveAlgorithm, AdaptiveConcurrencyOptions } from './adaptive/options.ts';
export { type Concurrency, type ConcurrencyStatus, concurrency } from './concurrency/concurrency.ts';
export type { ConcurrencyOptions } from './concurrency/options.ts';
export {
  isRateLimitedError,
  RateLimitedError,
  type RateLimitedErrorOptions,
  type RateLimitedReason,
} from './errors.ts';
export { type Keyed, type KeyedOptions, type KeyedStatus, keyed } from './keyed/keyed.ts';
export type { AcquireOptions, Limiter } from './limiter.ts';
export type {
  RateLimitDecision,
  RateLimitRejectDecision,
  RateLimitRejectedEvent,
  RateLimitWaitDecision,
  RateLimitWaitEvent,
} from './rate-limit/events.ts';
export { type RateLimitOptions, type RateLimitPolicy, rateLimit } from './rate-limit/rate-limit.ts';
export { epochClock } from './shared/epoch-clock.ts';
export {
  type AttachOptions,
  type SharedTokenBucket,
  type SharedTokenBucketOptions,
  type SharedTokenBucketStatus,
  sharedTokenBucket,
} from './shared/shared-token-bucket.ts';
export { MAX_WINDOW_LIMIT, type SlidingWindowOptions } from './sliding-window/options.ts';
export { type SlidingWindow, type SlidingWindowStatus, slidingWindow } from './sliding-window/sliding-window.ts';
export type { TokenBucketOptions } from './token-bucket/options.ts';
export { type TokenBucket, type TokenBucketStatus, tokenBucket } from './token-bucket/token-bucket.ts';
