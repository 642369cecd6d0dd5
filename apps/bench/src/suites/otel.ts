/**
 * `otel`: what observability costs a client, in the same run, against the ok-server in its own
 * process (concurrency 64, interleaved rounds, wall and CPU per request).
 *
 * 1. The full stack (retry + breaker + bucket) instrumented with `instrumentSentinel` and
 *    `instrumentPolicy` on the real OpenTelemetry SDK (a MeterProvider, a BasicTracerProvider with
 *    a BatchSpanProcessor and an exporter that drops batches), against the same client not
 *    instrumented: every request traced, 10 % sampled (ParentBased(TraceIdRatio)), traces sampled
 *    out (metrics only), and with W3C propagation. Target: instrumented throughput ≥ 0.95×.
 * 2. The decision trace: `trace: false` and no option must not differ (beyond the A/A control);
 *    `trace: true` shows what recording costs.
 * 3. Zero cost when not instrumented: the "not instrumented" rows run after the instrumentation
 *    was disposed (the rounds rotate through the cases), with no diagnostics_channel subscriber left.
 *
 * Instrumentation is process-wide (diagnostics_channel), so each case switches it on or off
 * before its batch: a boolean check per call once in the right state.
 */
import { channel } from 'node:diagnostics_channel';
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type Client, createClient } from '@sentinel/client';
import type { Disposer } from '@sentinel/core';
import { instrumentPolicy, instrumentSentinel } from '@sentinel/otel';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import type { AsyncCase, Reporter } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

/** A reader that is never collected: instruments record as in production, nothing is exported. */
class IdleReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** Drops every batch: the span pipeline runs (processor, batching), the network does not. */
const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

export default async function otelSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  const CONNECTIONS = 64;
  const meterProvider = new MeterProvider({ readers: [new IdleReader()] });
  const tracing = (sampler?: ConstructorParameters<typeof ParentBasedSampler>[0]['root']) =>
    new BasicTracerProvider({
      ...(sampler === undefined ? {} : { sampler: new ParentBasedSampler({ root: sampler }) }),
      spanProcessors: [new BatchSpanProcessor(droppingExporter)],
    });
  const tracerProviders = {
    every: tracing(),
    tenth: tracing(new TraceIdRatioBasedSampler(0.1)),
    none: tracing(new AlwaysOffSampler()),
  };
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());

  const fullStack = () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 });
    const policy = retry({ maxAttempts: 3, backoff: constant(10) });
    const limit = rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) });
    const client = createClient({
      baseUrl: server.url,
      connections: CONNECTIONS,
      retry: policy,
      breaker,
      rateLimit: limit,
    });
    return { client, policies: { breaker, retry: policy, limit } };
  };
  const full = fullStack();
  const fullControl = fullStack();
  const bare = createClient({ baseUrl: server.url, connections: CONNECTIONS });
  const bareControl = createClient({ baseUrl: server.url, connections: CONNECTIONS });
  const traceOff = createClient({ baseUrl: server.url, connections: CONNECTIONS, trace: false });
  const traceOn = createClient({ baseUrl: server.url, connections: CONNECTIONS, trace: true });
  const clients: Client[] = [full.client, fullControl.client, bare, bareControl, traceOff, traceOn];

  type Mode = 'off' | 'every' | 'tenth' | 'none' | 'propagate';
  let mode: Mode = 'off';
  let active: Disposer[] = [];
  const switchTo = (next: Mode) => {
    if (mode === next) return;
    for (const disposer of active) disposer.dispose();
    active = [];
    mode = next;
    if (next === 'off') return;
    const tracerProvider = tracerProviders[next === 'propagate' ? 'every' : next];
    active = [
      instrumentSentinel({ meterProvider, tracerProvider, propagate: next === 'propagate' }),
      ...Object.entries(full.policies).map(([name, policy]) => instrumentPolicy(policy, { name, meterProvider })),
    ];
  };
  const get = (client: Client, next: typeof mode) => () => {
    switchTo(next);
    return client.get('/items').then((r) => r.text());
  };

  try {
    const instrumented: AsyncCase[] = [
      { name: 'full stack, not instrumented (A/A control)', fn: get(fullControl.client, 'off') },
      { name: 'instrumented: metrics, every request traced', fn: get(full.client, 'every') },
      { name: 'instrumented: metrics, 10 % of traces sampled', fn: get(full.client, 'tenth') },
      { name: 'instrumented: metrics, traces sampled out', fn: get(full.client, 'none') },
      { name: 'instrumented: every request traced, propagate: true', fn: get(full.client, 'propagate') },
    ];
    await report.interleaved(
      'OpenTelemetry on the full stack, concurrency 64 (target: instrumented throughput ≥ 0.95×)',
      { name: 'full stack, not instrumented', fn: get(full.client, 'off') },
      instrumented,
      { rounds: 7, iterations: 2_000, warmup: 500, concurrency: 64 },
    );
    switchTo('off');
    const subscribed = ['start', 'request', 'response', 'error', 'decision', 'end'].filter(
      (name) => channel(`sentinel:client:${name}`).hasSubscribers,
    );
    console.log(
      `\nAfter dispose: ${subscribed.length === 0 ? 'no' : subscribed.join(', ')} diagnostics_channel subscriber left, so an uninstrumented client builds no message.`,
    );

    await report.interleaved(
      'Decision trace, concurrency 64 (target: trace: false ≈ no option, within the A/A control)',
      { name: 'client, no trace option', fn: get(bare, 'off') },
      [
        { name: 'client, no trace option (A/A control)', fn: get(bareControl, 'off') },
        { name: 'client, trace: false', fn: get(traceOff, 'off') },
        { name: 'client, trace: true (recording cost, information)', fn: get(traceOn, 'off') },
      ],
      { rounds: 7, iterations: 2_000, warmup: 500, concurrency: 64 },
    );
  } finally {
    switchTo('off');
    await Promise.all(clients.map((client) => client.close()));
    propagation.disable();
    await Promise.all([meterProvider.shutdown(), ...Object.values(tracerProviders).map((p) => p.shutdown())]);
    await server.close();
  }
}
