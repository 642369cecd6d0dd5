import { channel } from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  context,
  type HrTime,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { AlwaysOffSampler, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { constant, hedge, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { type Client, createClient } from '@sentinel/client';
import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceThrough } from '../test-support/clock.ts';
import { msBetween, Telemetry } from '../test-support/telemetry.ts';
import { instrumentSentinel } from './instrument-sentinel.ts';

let server: ChaosServer;
let telemetry: Telemetry;
const cleanups: (() => unknown)[] = [];
const clientFor = (options: Parameters<typeof createClient>[0]): Client => {
  const client = createClient(options);
  cleanups.push(() => client.close());
  return client;
};
const instrument = (options: Parameters<typeof instrumentSentinel>[0] = {}) => {
  const disposer = instrumentSentinel({
    meterProvider: telemetry.meterProvider,
    tracerProvider: telemetry.tracerProvider,
    ...options,
  });
  cleanups.push(() => disposer.dispose());
  return disposer;
};
/** Lets real I/O run (event-loop turns, bounded) until `condition` holds. */
async function untilServer(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 2_000 && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}
// The SDK anchors each span's times on Date.now() (millisecond resolution): spans compare to 1 ms.
const SPAN_CLOCK_MS = 1;
const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

beforeEach(async () => {
  server = await startChaosServer();
  telemetry = new Telemetry();
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await server.close();
  await telemetry.shutdown();
});

describe('instrumentSentinel: spans', () => {
  it('a request retried twice: one parent span and three attempt spans with resend counts and statuses', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    instrument();
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 3, backoff: constant(100), clock }),
    });
    const pending = client.get('/flaky?token=secret');
    await advanceThrough(clock, 2);
    expect((await pending).status).toBe(200);

    const spans = telemetry.spans();
    expect(spans).toHaveLength(4);
    const parent = spans.find((s) => s.parentSpanContext === undefined);
    const attempts = spans.filter((s) => s !== parent);
    expect(parent?.name).toBe('HTTP GET');
    expect(parent?.kind).toBe(SpanKind.CLIENT);
    expect(parent?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'url.full': `${server.url}/flaky`,
      'http.response.status_code': 200,
      'sentinel.attempts': 3,
    });
    expect(parent?.status.code).toBe(SpanStatusCode.UNSET);
    for (const span of attempts) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe('HTTP GET');
      expect(span.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
      expect(span.spanContext().traceId).toBe(parent?.spanContext().traceId);
    }
    expect(attempts.map((s) => s.attributes['http.request.resend_count'])).toEqual([undefined, 1, 2]);
    expect(attempts.map((s) => s.attributes['http.response.status_code'])).toEqual([503, 503, 200]);
    expect(attempts.map((s) => s.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.UNSET,
    ]);
    expect(attempts.map((s) => s.attributes['error.type'])).toEqual(['503', '503', undefined]);
    // The first attempt's span is made when the first resend starts, with the first attempt's times.
    const [first, second] = attempts as [ReadableSpan, ReadableSpan];
    expect(msBetween(parent?.startTime as HrTime, first.startTime)).toBeGreaterThan(-SPAN_CLOCK_MS);
    expect(msBetween(first.endTime, second.startTime)).toBeGreaterThan(-SPAN_CLOCK_MS);
    // The retries are events on the request's span, with the delay and which one won.
    expect(parent?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'sentinel.retry.wait',
        {
          'sentinel.retry.attempt': 1,
          'sentinel.retry.delay_ms': 100,
          'sentinel.retry.delay_source': 'backoff',
          'sentinel.retry.backoff_ms': 100,
        },
      ],
      [
        'sentinel.retry.wait',
        {
          'sentinel.retry.attempt': 2,
          'sentinel.retry.delay_ms': 100,
          'sentinel.retry.delay_source': 'backoff',
          'sentinel.retry.backoff_ms': 100,
        },
      ],
    ]);
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('secret');
  });

  it('a request answered at its first attempt is one CLIENT span, with the attempt’s attributes', async () => {
    instrument();
    const client = clientFor({ baseUrl: server.url });
    await client.get('/ok?token=secret');
    const spans = telemetry.spans();
    expect(spans).toHaveLength(1);
    expect(spans[0]?.kind).toBe(SpanKind.CLIENT);
    expect(spans[0]?.name).toBe('HTTP GET');
    expect(spans[0]?.attributes).toEqual({
      'http.request.method': 'GET',
      'server.address': '127.0.0.1',
      'server.port': server.port,
      'url.full': `${server.url}/ok`,
      'http.response.status_code': 200,
      'sentinel.attempts': 1,
    });
    expect(spans[0]?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('a hedged request: the first attempt, still in flight when the hedge starts, gets its span then', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    instrument();
    const clock = new ManualClock();
    const client = clientFor({ baseUrl: server.url, hedge: hedge({ delayMs: 100, maxHedges: 1, clock }) });
    const pending = client.get('/item');
    await untilServer(() => server.stats().requests === 1);
    await clock.advance(100);
    expect((await pending).status).toBe(200);
    const spans = telemetry.spans();
    expect(spans).toHaveLength(3);
    const parent = spans.find((s) => s.parentSpanContext === undefined);
    const [first, second] = [undefined, 1].map((n) =>
      spans.find((s) => s !== parent && s.attributes['http.request.resend_count'] === n),
    );
    expect(second?.attributes['http.response.status_code']).toBe(200);
    // The loser, aborted, had no outcome when the request ended: its span ends with the request's.
    expect(first?.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(first?.attributes['http.response.status_code']).toBeUndefined();
    expect(msBetween(first?.endTime as HrTime, parent?.endTime as HrTime)).toBeGreaterThan(-SPAN_CLOCK_MS);
    expect(msBetween(parent?.startTime as HrTime, first?.startTime as HrTime)).toBeGreaterThan(-SPAN_CLOCK_MS);
    expect(msBetween(first?.startTime as HrTime, second?.startTime as HrTime)).toBeGreaterThan(-SPAN_CLOCK_MS);
    expect(parent?.attributes['sentinel.attempts']).toBe(2);
  });

  it('breaker rejections and limiter waits are events on the request span', async () => {
    server.route('/down', [{ type: 'status', status: 503, times: 1 }]);
    instrument();
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 3, backoff: constant(10), clock }),
      breaker: circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 1_000, clock }),
    });
    const pending = client.get('/down');
    await advanceThrough(clock, 2);
    expect((await pending).status).toBe(200);
    const parent = telemetry.spans().find((s) => s.parentSpanContext === undefined);
    expect(parent?.events.map((e) => e.name)).toEqual([
      'sentinel.retry.wait',
      'sentinel.breaker.reject',
      'sentinel.retry.wait',
      'sentinel.breaker.probe',
    ]);
    expect(parent?.events[1]?.attributes).toEqual({
      'sentinel.breaker.state': 'open',
      'sentinel.breaker.retry_after_ms': 990,
    });
    expect(parent?.events[2]?.attributes).toMatchObject({
      'sentinel.retry.delay_ms': 990,
      'sentinel.retry.delay_source': 'retry-after',
    });
  });

  it('a network failure ends its attempt span with error.type; the request span ends with the outcome', async () => {
    server.route('/reset', [{ type: 'reset-before-headers', times: 1 }]);
    instrument();
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(5), clock }),
    });
    const pending = client.get('/reset');
    await advanceThrough(clock, 1);
    await pending;
    const attempts = telemetry.spans().filter((s) => s.parentSpanContext !== undefined);
    expect(attempts[0]?.attributes['error.type']).toBe('SENTINEL_NETWORK:ECONNRESET');
    expect(attempts[0]?.status.code).toBe(SpanStatusCode.ERROR);
    expect(attempts[1]?.attributes['http.response.status_code']).toBe(200);
  });

  it('a request that ends with an error marks its span as failed with error.type', async () => {
    server.route('/gone', { type: 'status', status: 404 });
    instrument();
    const client = clientFor({ baseUrl: server.url });
    await caught(client.get('/gone'));
    const parent = telemetry.spans().find((s) => s.parentSpanContext === undefined);
    expect(parent?.status.code).toBe(SpanStatusCode.ERROR);
    expect(parent?.attributes).toMatchObject({ 'error.type': '404', 'http.response.status_code': 404 });
  });

  it("the request span is a child of the caller's active span", async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    cleanups.push(() => context.disable());
    instrument();
    const client = clientFor({ baseUrl: server.url });
    const outer = telemetry.tracerProvider.getTracer('app').startSpan('handle order');
    await context.with(trace.setSpan(context.active(), outer), () => client.get('/ok'));
    outer.end();
    const parent = telemetry
      .spans()
      .find((s) => s.name === 'HTTP GET' && s.parentSpanContext?.spanId === outer.spanContext().spanId);
    expect(parent).toBeDefined();
    expect(parent?.spanContext().traceId).toBe(outer.spanContext().traceId);
  });
});

describe('instrumentSentinel: propagation', () => {
  const traceparentOf = (echo: EchoBody) => echo.headers.find(([name]) => name.toLowerCase() === 'traceparent')?.[1];

  it('propagate: true puts the attempt span’s traceparent on the wire (checked on the chaos server)', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    cleanups.push(() => propagation.disable());
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    instrument({ propagate: true });
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(1), clock }),
    });
    const pending = client.get('/flaky');
    await advanceThrough(clock, 1);
    const echo = (await (await pending).json()) as EchoBody;
    const spans = telemetry.spans();
    const second = spans.find((s) => s.attributes['http.request.resend_count'] === 1);
    expect(traceparentOf(echo)).toBe(`00-${second?.spanContext().traceId}-${second?.spanContext().spanId}-01`);
  });

  it('off by default: no header the user did not ask for', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    cleanups.push(() => propagation.disable());
    instrument();
    const client = clientFor({ baseUrl: server.url });
    const echo = (await (await client.get('/ok')).json()) as EchoBody;
    expect(traceparentOf(echo)).toBeUndefined();
    expect(telemetry.spans()).toHaveLength(1);
  });
});

describe('instrumentSentinel: sampled-out requests', () => {
  // Counts the spans instrumentSentinel starts, sampled or not.
  const counting = (provider: TracerProvider) => {
    const counter = { started: 0, spanCalls: [] as string[], spans: [] as Span[] };
    const tracerProvider: TracerProvider = {
      getTracer(name, version, options) {
        const tracer = provider.getTracer(name, version, options);
        return {
          startSpan(...args: Parameters<Tracer['startSpan']>) {
            counter.started++;
            const span = tracer.startSpan(...args);
            counter.spans.push(span);
            // Every call on the span but isRecording() and spanContext() (what sampling needs).
            return new Proxy(span, {
              get(target, key, receiver) {
                const value = Reflect.get(target, key, receiver);
                if (typeof value !== 'function' || key === 'isRecording' || key === 'spanContext') return value;
                return (...callArgs: unknown[]) => {
                  counter.spanCalls.push(String(key));
                  return value.apply(target, callArgs);
                };
              },
            });
          },
          startActiveSpan: tracer.startActiveSpan.bind(tracer) as Tracer['startActiveSpan'],
        };
      },
    };
    return { counter, tracerProvider };
  };

  it('record their metrics and make no attempt spans (nobody would see them)', async () => {
    const { counter, tracerProvider } = counting(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    instrument({ tracerProvider });
    const client = clientFor({ baseUrl: server.url });
    await client.get('/ok');
    expect(counter.started).toBe(1);
    expect(await telemetry.points('sentinel.client.request.duration')).toHaveLength(1);
    expect(await telemetry.points('http.client.request.duration')).toHaveLength(1);
  });

  it('with propagate, still send the attempt’s (unsampled) context', async () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    cleanups.push(() => propagation.disable());
    const { counter, tracerProvider } = counting(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    instrument({ tracerProvider, propagate: true });
    const client = clientFor({ baseUrl: server.url });
    const echo = (await (await client.get('/ok')).json()) as EchoBody;
    // One attempt: the request span is the attempt's, and its (unsampled) context is sent.
    expect(counter.started).toBe(1);
    const request = counter.spans[0]?.spanContext();
    const traceparent = echo.headers.find(([name]) => name === 'traceparent')?.[1];
    expect(traceparent).toBe(`00-${request?.traceId}-${request?.spanId}-00`);
  });

  it('cost one startSpan and nothing more: no attribute, status, event or end on a span that records nothing', async () => {
    server.route('/down', [{ type: 'status', status: 503, times: 1 }]);
    server.route('/gone', { type: 'status', status: 404 });
    const { counter, tracerProvider } = counting(new BasicTracerProvider({ sampler: new AlwaysOffSampler() }));
    instrument({ tracerProvider });
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(10), clock }),
    });
    const pending = client.get('/down');
    await advanceThrough(clock, 1);
    await pending;
    await caught(client.get('/gone'));
    expect(counter.started).toBe(2);
    expect(counter.spanCalls).toEqual([]);
    expect(await telemetry.points('http.client.request.duration')).toHaveLength(3);
  });
});

describe('instrumentSentinel: metrics', () => {
  it('http.client.request.duration per attempt and sentinel.client.request.duration per request, bounded attributes', async () => {
    server.route('/users/42', [{ type: 'status', status: 503, times: 1 }]);
    instrument();
    const clock = new ManualClock();
    const client = clientFor({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(250), clock }),
    });
    const pending = client.get('/users/42', { query: { token: 'secret' } });
    await advanceThrough(clock, 1);
    await pending;
    const base = { 'http.request.method': 'GET', 'server.address': '127.0.0.1', 'server.port': server.port };
    const attempts = await telemetry.points('http.client.request.duration');
    expect(attempts).toEqual([
      { attributes: { ...base, 'http.response.status_code': 503, 'error.type': '503' }, value: { count: 1, sum: 0 } },
      { attributes: { ...base, 'http.response.status_code': 200 }, value: { count: 1, sum: 0 } },
    ]);
    // The logical request: the 250 ms backoff is part of what the user waited.
    expect(await telemetry.points('sentinel.client.request.duration')).toEqual([
      { attributes: { ...base, 'http.response.status_code': 200 }, value: { count: 1, sum: 0.25 } },
    ]);
    const metrics = await telemetry.metrics();
    expect(metrics.get('http.client.request.duration')?.descriptor.unit).toBe('s');
    expect(JSON.stringify([...metrics.values()].map((m) => m.dataPoints.map((p) => p.attributes)))).not.toMatch(
      /secret|users|url/,
    );
  });

  it('a method outside the known set is recorded as _OTHER', async () => {
    instrument();
    const client = clientFor({ baseUrl: server.url });
    await client.request('PURGE', '/cache');
    expect((await telemetry.points('http.client.request.duration'))[0]?.attributes['http.request.method']).toBe(
      '_OTHER',
    );
    expect(telemetry.spans()[0]?.name).toBe('HTTP');
  });
});

describe('instrumentSentinel: lifecycle and options', () => {
  it('disposing stops all recording, and leaves no subscriber behind (so clients build nothing)', async () => {
    const names = ['start', 'request', 'response', 'error', 'decision', 'end'].map((n) => `sentinel:client:${n}`);
    // What the channels held before (nothing, unless an earlier file in this worker still listens):
    // disposing must give exactly that back.
    const before = names.map((name) => channel(name).hasSubscribers);
    const disposer = instrument();
    expect(names.every((name) => channel(name).hasSubscribers)).toBe(true);
    const client = clientFor({ baseUrl: server.url });
    await client.get('/ok');
    disposer.dispose();
    disposer.dispose();
    expect(names.map((name) => channel(name).hasSubscribers)).toEqual(before);
    await client.get('/ok');
    await client.get('/ok');
    expect(telemetry.spans()).toHaveLength(1);
    const points = await telemetry.points('sentinel.client.request.duration');
    expect(points.map((p) => (p.value as { count: number }).count)).toEqual([1]);
  });

  it('defaults to the global providers', async () => {
    const { metrics } = await import('@opentelemetry/api');
    metrics.setGlobalMeterProvider(telemetry.meterProvider);
    trace.setGlobalTracerProvider(telemetry.tracerProvider);
    cleanups.push(() => {
      metrics.disable();
      trace.disable();
    });
    const client = clientFor({ baseUrl: server.url });
    // Spans a request makes before ours is on: none, unless an earlier file in this worker left an
    // instrumentation on the global providers.
    await client.get('/ok');
    const foreign = telemetry.spans().length;
    const disposer = instrumentSentinel();
    cleanups.push(() => disposer.dispose());
    await client.get('/ok');
    expect(telemetry.spans()).toHaveLength(2 * foreign + 1);
    expect(await telemetry.points('sentinel.client.request.duration')).toHaveLength(1);
  });

  it('refuses options of the wrong kind, naming them', () => {
    const before = channel('sentinel:client:start').hasSubscribers;
    const attempt = (options: unknown) => {
      try {
        instrumentSentinel(options as never);
      } catch (error) {
        return error;
      }
    };
    for (const [options, option] of [
      [{ meterProvider: {} }, 'meterProvider'],
      [{ tracerProvider: 'global' }, 'tracerProvider'],
      [{ propagate: 'yes' }, 'propagate'],
      [{ propogate: true }, 'propogate'],
    ] as const) {
      const error = attempt(options);
      expect(isConfigError(error)).toBe(true);
      expect((error as { option: string }).option).toBe(option);
    }
    expect(channel('sentinel:client:start').hasSubscribers).toBe(before);
  });
});
