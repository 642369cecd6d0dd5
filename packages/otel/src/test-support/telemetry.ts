import type { HrTime } from '@opentelemetry/api';
import {
  type DataPoint,
  type Histogram,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** A reader that collects only when asked, so a test reads exactly what was recorded. */
class OnDemandReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

/** The OpenTelemetry SDK wired to in-memory exporters, as a user's setup would be. */
export class Telemetry {
  readonly reader = new OnDemandReader();
  readonly meterProvider = new MeterProvider({ readers: [this.reader] });
  readonly exporter = new InMemorySpanExporter();
  readonly tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(this.exporter)] });

  spans(): ReadableSpan[] {
    return this.exporter.getFinishedSpans();
  }

  /** Every metric collected now, by name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.reader.collect();
    if (errors.length > 0) throw errors[0];
    const out = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
    return out;
  }

  /** The points of `name` as `[attributes, value]`, value being a number or a histogram's count and sum. */
  async points(name: string): Promise<{ attributes: Record<string, unknown>; value: unknown }[]> {
    const metric = (await this.metrics()).get(name);
    if (metric === undefined) return [];
    return (metric.dataPoints as DataPoint<unknown>[]).map((point) => ({
      attributes: { ...point.attributes },
      value: typeof point.value === 'number' ? point.value : summary(point.value as Histogram),
    }));
  }

  async shutdown(): Promise<void> {
    await Promise.all([this.meterProvider.shutdown(), this.tracerProvider.shutdown()]);
  }
}

function summary(histogram: Histogram): { count: number; sum: number } {
  return { count: histogram.count, sum: histogram.sum ?? 0 };
}

/** Milliseconds between two span times. */
export function msBetween(start: HrTime, end: HrTime): number {
  return (end[0] - start[0]) * 1_000 + (end[1] - start[1]) / 1e6;
}
