import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import { type Disposer, optionChecker } from '@sentinel/core';
import { meterOf, tracerOf } from '../internal/providers.ts';
import { DURATION_BUCKETS, METRICS } from '../metrics.ts';
import { RequestSpans } from './request-spans.ts';

/** Options of {@link instrumentSentinel}. */
export interface InstrumentSentinelOptions {
  /**
   * Where the metrics go.
   * @default the global provider (`metrics.getMeterProvider()` at the time of the call)
   */
  readonly meterProvider?: MeterProvider | undefined;
  /**
   * Where the spans go.
   * @default the global provider (`trace.getTracerProvider()`)
   */
  readonly tracerProvider?: TracerProvider | undefined;
  /**
   * Inject the W3C `traceparent` (through the OpenTelemetry propagation API, so whatever
   * propagator is registered) into every attempt, carrying that attempt's span (for the first
   * attempt, the request's span, which stands for it). Off by default: a library should not add
   * headers the user did not ask for.
   * @default false
   */
  readonly propagate?: boolean | undefined;
}

const check = optionChecker('instrumentSentinel');

/**
 * Records every `@sentinel/client` request in the process as OpenTelemetry spans and metrics, by
 * subscribing to the client's `diagnostics_channel` messages: a CLIENT span per logical request
 * (`HTTP GET`), which is also its attempt's when the first attempt answers; once a resend starts,
 * a child span per attempt (`http.request.resend_count` from the second on); retries, waits,
 * breaker and limiter decisions as events on the request's span, and the
 * `http.client.request.duration` (per attempt) and `sentinel.client.request.duration` (per logical
 * request) histograms. Returns a disposer that unsubscribes; until it is called (or when nothing
 * is instrumented) the client builds no message at all.
 *
 * @throws ConfigError for an option of the wrong kind.
 */
export function instrumentSentinel(options?: InstrumentSentinelOptions): Disposer {
  const opts = check.options(options, ['meterProvider', 'tracerProvider', 'propagate']);
  const meter = meterOf(check, opts.meterProvider);
  const tracer = tracerOf(check, opts.tracerProvider);
  const propagate = check.boolean('propagate', opts.propagate, false);
  const histogram = (spec: { name: string; unit: string; description: string }) =>
    meter.createHistogram(spec.name, {
      unit: spec.unit,
      description: spec.description,
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
    });
  const spans = new RequestSpans({
    tracer,
    attemptDuration: histogram(METRICS.httpClientRequestDuration),
    requestDuration: histogram(METRICS.clientRequestDuration),
    propagate,
  });
  const subscriptions: [string, (message: unknown) => void][] = [
    ['sentinel:client:start', spans.start],
    ['sentinel:client:request', spans.attempt],
    ['sentinel:client:response', spans.response],
    ['sentinel:client:error', spans.error],
    ['sentinel:client:decision', spans.decision],
    ['sentinel:client:end', spans.end],
  ];
  for (const [name, listener] of subscriptions) subscribe(name, listener);
  let active = true;
  const dispose = () => {
    if (!active) return;
    active = false;
    for (const [name, listener] of subscriptions) unsubscribe(name, listener);
    spans.close();
  };
  return { dispose, [Symbol.dispose]: dispose };
}
