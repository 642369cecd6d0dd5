/**
 * The OpenTelemetry SDK as production sets it up, in one place so that the suite measures the
 * real pipeline (reader, processor, batching, sampler) and shuts all of it down in one call.
 */
import { propagation } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';

/** Drops every batch: the span pipeline runs (processor, batching), the network does not. */
const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

/** The providers the suite instruments with. */
export interface BenchSdk {
  /** PeriodicExportingMetricReader, 60 s interval, in-memory exporter. */
  readonly meterProvider: MeterProvider;
  /** BatchSpanProcessor into a dropping exporter, the default sampler (ParentBased(AlwaysOn)). */
  readonly every: BasicTracerProvider;
  /** The same with ParentBased(TraceIdRatio 10 %). */
  readonly tenth: BasicTracerProvider;
  /** Disables the global propagator, then shuts the three providers down. */
  shutdown(): Promise<void>;
}

/** Builds the providers and sets the W3C trace-context propagator as the global one. */
export function startSdk(): BenchSdk {
  const meterProvider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  const tracing = (ratio?: number) =>
    new BasicTracerProvider({
      ...(ratio === undefined
        ? {}
        : { sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }) }),
      spanProcessors: [new BatchSpanProcessor(droppingExporter)],
    });
  const every = tracing();
  const tenth = tracing(0.1);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return {
    meterProvider,
    every,
    tenth,
    async shutdown() {
      propagation.disable();
      await Promise.all([meterProvider.shutdown(), every.shutdown(), tenth.shutdown()]);
    },
  };
}
