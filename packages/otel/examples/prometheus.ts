import type { IncomingMessage, ServerResponse } from 'node:http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { instrumentPolicy, instrumentSentinel } from '@sentinel/otel';

// /metrics in the Prometheus text format, served by your own HTTP server (a dashboard, an admin port).
export function prometheusMetrics(policies: Record<string, object> = {}) {
  // preventServerStart: the exporter opens no port of its own; your server calls handle().
  const exporter = new PrometheusExporter({ preventServerStart: true });
  const meterProvider = new MeterProvider({ readers: [exporter] });
  const instrumentations = [
    instrumentSentinel({ meterProvider }),
    ...Object.entries(policies).map(([name, policy]) => instrumentPolicy(policy, { name, meterProvider })),
  ];
  return {
    handle: (request: IncomingMessage, response: ServerResponse) =>
      exporter.getMetricsRequestHandler(request, response),
    async close(): Promise<void> {
      for (const instrumentation of instrumentations) instrumentation.dispose();
      await meterProvider.shutdown();
    },
  };
}
