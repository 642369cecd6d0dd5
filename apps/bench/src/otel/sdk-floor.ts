/**
 * The SDK's floor: the uninstrumented client plus, by hand, exactly the SDK calls the
 * instrumentation makes for a request answered at once (one span, two histogram points). It is
 * what no instrumentation can go below, so the suite subtracts it to find this package's own cost.
 */
import { type Attributes, type Histogram, SpanKind, type Tracer } from '@opentelemetry/api';
import type { Client } from '@sentinel/client';
import { DURATION_BUCKETS } from '@sentinel/otel';
import type { Mode } from './modes.ts';
import type { BenchSdk } from './sdk.ts';

/** What {@link createSdkFloor} needs: the SDK, the uninstrumented client, its server, the mode switch. */
export interface SdkFloorOptions {
  readonly sdk: BenchSdk;
  readonly client: Client;
  readonly serverUrl: string;
  readonly switchTo: (next: Mode) => void;
}

/** The floor cases, and the instruments and attributes they use (the per-operation table reuses them). */
export interface SdkFloor {
  /** A request, then one span and two histogram points by hand; `tracer` defaults to AlwaysOn. */
  readonly spanAndPoints: (tracer?: Tracer) => Promise<string>;
  /** A request, then the two histogram points only. */
  readonly pointsOnly: () => Promise<string>;
  /** The 10 %-sampled tracer, for `spanAndPoints`. */
  readonly tenthTracer: Tracer;
  /** The attempt-duration histogram (`http.client.request.duration`). */
  readonly attemptHistogram: Histogram;
  /** A span's attributes at start, as the instrumentation sets them. */
  readonly spanAttributes: Attributes;
  /** A histogram point's attributes, as the instrumentation sets them. */
  readonly pointAttributes: Attributes;
}

/** Builds the floor's instruments (the instrumentation's names, unit and buckets) and its cases. */
export function createSdkFloor({ sdk, client, serverUrl, switchTo }: SdkFloorOptions): SdkFloor {
  const floorTracer = sdk.every.getTracer('bench-floor');
  const floorMeter = sdk.meterProvider.getMeter('bench-floor');
  const histogram = (name: string): Histogram =>
    floorMeter.createHistogram(name, { unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] } });
  const floorAttempt = histogram('http.client.request.duration');
  const floorRequest = histogram('sentinel.client.request.duration');
  const address = new URL(serverUrl);
  const base: Attributes = Object.freeze({
    'http.request.method': 'GET',
    'server.address': address.hostname,
    'server.port': Number(address.port),
  });
  const spanAttributes: Attributes = Object.freeze({ ...base, 'url.full': `${serverUrl}/items` });
  const pointAttributes: Attributes = Object.freeze({ ...base, 'http.response.status_code': 200 });
  const tenthTracer = sdk.tenth.getTracer('bench-floor');

  const spanAndPoints = (tracer = floorTracer) => {
    switchTo('off');
    const span = tracer.startSpan('HTTP GET', { kind: SpanKind.CLIENT, attributes: spanAttributes });
    return client.get('/items').then(async (r) => {
      const text = await r.text();
      floorAttempt.record(0.0001, pointAttributes);
      floorRequest.record(0.0001, pointAttributes);
      if (span.isRecording()) {
        span.setAttribute('sentinel.attempts', 1);
        span.setAttribute('http.response.status_code', 200);
      }
      span.end();
      return text;
    });
  };

  const pointsOnly = () => {
    switchTo('off');
    return client.get('/items').then(async (r) => {
      const text = await r.text();
      floorAttempt.record(0.0001, pointAttributes);
      floorRequest.record(0.0001, pointAttributes);
      return text;
    });
  };

  return { spanAndPoints, pointsOnly, tenthTracer, attemptHistogram: floorAttempt, spanAttributes, pointAttributes };
}
