/**
 * `http-sentinel`: HTTP Sentinel in one install. The root holds the everyday API of every package
 * — the resilient client, the policies, the worker pool and load test, errors and guards — plus
 * the seed's presets and `createResilientClient` / `createResilientPool`. Each package is also
 * here whole, under a sub-path: `http-sentinel/core`, `/backoff`, `/breaker`, `/ratelimit`,
 * `/http`, `/client`, `/workers`, `/chaos`, `/fetch`, `/axios` (axios is an optional peer: only
 * that sub-path loads it), and the report renderer under `http-sentinel/report`.
 */

// backoff and retry
export {
  capped,
  constant,
  decorrelatedJitter,
  equalJitter,
  exponential,
  fullJitter,
  HedgeLostError,
  hedge,
  isHedgeLostError,
  type RetryOptions,
  type RetryPolicy,
  retry,
  retryBudget,
} from '@sentinel/backoff';
// circuit breaker
export {
  breakerGroup,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  CircuitOpenError,
  circuitBreaker,
  consecutive,
  countWindow,
  isCircuitOpenError,
  timeWindow,
} from '@sentinel/breaker';
// the client
export {
  type Client,
  ClientClosedError,
  type ClientOptions,
  ClientResponse,
  type ClientStatus,
  createClient,
  HttpError,
  isHttpError,
  isNetworkError,
  NetworkError,
  type RequestOptions,
  RequestTimeoutError,
  sentinelInterceptor,
  UnsafeRetryError,
} from '@sentinel/client';
// the contract, errors and guards
export {
  type Clock,
  ConfigError,
  compose,
  fallback,
  isConfigError,
  isRejectedError,
  isSentinelError,
  isTimeoutError,
  type Policy,
  RejectedError,
  SentinelError,
  systemClock,
  TimeoutError,
  timeout,
} from '@sentinel/core';
// any fetch
export { sentinelFetch } from '@sentinel/fetch';
// rate limits
export {
  adaptiveConcurrency,
  concurrency,
  isRateLimitedError,
  keyed,
  RateLimitedError,
  rateLimit,
  sharedTokenBucket,
  slidingWindow,
  tokenBucket,
} from '@sentinel/ratelimit';
// pools
export {
  createThreadPool,
  createWorkerPool,
  formatReport,
  isPoolClosedError,
  isQueueFullError,
  isWorkerCrashedError,
  type LoadTestOptions,
  type LoadTestReport,
  loadTest,
  PoolClosedError,
  QueueFullError,
  type ThreadPool,
  WorkerCrashedError,
  type WorkerPool,
  type WorkerPoolOptions,
} from '@sentinel/workers';
// this package
export {
  type BreakerKnobs,
  type Preset,
  type PresetName,
  presets,
  type RateLimitKnobs,
  type RetryKnobs,
  type TimeoutKnobs,
} from './presets/presets.ts';
export { createResilientClient, type ResilientClientOptions } from './resilient-client/create-resilient-client.ts';
export {
  createResilientPool,
  type ResilientPoolOptions,
  type ResilientWorker,
} from './resilient-pool/create-resilient-pool.ts';
