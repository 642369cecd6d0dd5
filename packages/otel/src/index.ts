/**
 * `@sentinel/otel`: OpenTelemetry for HTTP Sentinel. `instrumentSentinel()` records every
 * `@sentinel/client` request as spans (one per request, one per resend) and HTTP metrics;
 * `instrumentPolicy()` records a breaker's, retry's, rate limiter's or worker pool's metrics.
 * `@opentelemetry/api` is a peer dependency; no SDK is bundled.
 */
export { type InstrumentPolicyOptions, instrumentPolicy } from './instrument-policy/instrument-policy.ts';
export { type InstrumentSentinelOptions, instrumentSentinel } from './instrument-sentinel/instrument-sentinel.ts';
export { DURATION_BUCKETS, METRICS } from './metrics.ts';
