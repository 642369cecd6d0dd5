import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { instrumentPolicy, instrumentSentinel } from '@sentinel/otel';

// Every Sentinel request's spans and metrics, and your policies' metrics, to a collector over OTLP/HTTP.
export function startTelemetry(collector = 'http://localhost:4318', policies: Record<string, object> = {}) {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${collector}/v1/metrics` }),
        exportIntervalMillis: 15_000,
      }),
    ],
  });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${collector}/v1/traces` }))],
  });
  const instrumentations = [
    // propagate: true sends a W3C traceparent with every attempt, so the server's spans join the trace.
    instrumentSentinel({ meterProvider, tracerProvider, propagate: true }),
    ...Object.entries(policies).map(([name, policy]) => instrumentPolicy(policy, { name, meterProvider })),
  ];
  return async function shutdown(): Promise<void> {
    for (const instrumentation of instrumentations) instrumentation.dispose();
    // Flushes what is still buffered, then stops the exporters.
    await Promise.all([meterProvider.shutdown(), tracerProvider.shutdown()]);
    context.disable();
    propagation.disable();
  };
}
