import type { DashboardRoute } from 'http-sentinel/report';

/** Records a policy's metrics under `name` (until the metrics are closed). */
export type Instrument = (policy: object, name: string) => void;

/** `/metrics` for the dashboard, in the Prometheus text format. */
export interface MetricsEndpoint {
  readonly route: DashboardRoute;
  /** Every policy the phases build is handed here (breakers, retries, limiters, pools). */
  readonly instrument: Instrument;
  /** Stops recording and shuts the meter provider down. */
  close(): Promise<void>;
}

/** What the endpoint is built from: the demo's optional dependencies, imported when asked for. */
export interface MetricsModules {
  readonly PrometheusExporter: typeof import('@opentelemetry/exporter-prometheus').PrometheusExporter;
  readonly MeterProvider: typeof import('@opentelemetry/sdk-metrics').MeterProvider;
  readonly instrumentSentinel: typeof import('@sentinel/otel').instrumentSentinel;
  readonly instrumentPolicy: typeof import('@sentinel/otel').instrumentPolicy;
}

async function importModules(): Promise<MetricsModules> {
  const [prometheus, sdk, otel] = await Promise.all([
    import('@opentelemetry/exporter-prometheus'),
    import('@opentelemetry/sdk-metrics'),
    import('@sentinel/otel'),
  ]);
  return {
    PrometheusExporter: prometheus.PrometheusExporter,
    MeterProvider: sdk.MeterProvider,
    instrumentSentinel: otel.instrumentSentinel,
    instrumentPolicy: otel.instrumentPolicy,
  };
}

/**
 * OpenTelemetry metrics of the whole run — every client request (`instrumentSentinel`) and every
 * breaker, retry, limiter and pool the phases build (`instrumentPolicy`) — exported by the
 * OpenTelemetry Prometheus exporter through the dashboard's own server (it opens no port of its
 * own). The exporter and the SDK are optional dependencies of the demo: without them this
 * resolves with the reason instead, and the dashboard goes without `/metrics`.
 */
export async function prometheusMetrics(
  load: () => Promise<MetricsModules> = importModules,
): Promise<MetricsEndpoint | { readonly unavailable: string }> {
  let modules: MetricsModules;
  try {
    modules = await load();
  } catch (error) {
    return {
      unavailable: `the OpenTelemetry Prometheus exporter is not installed (${(error as Error).message.split('\n')[0]})`,
    };
  }
  const exporter = new modules.PrometheusExporter({ preventServerStart: true });
  const meterProvider = new modules.MeterProvider({ readers: [exporter] });
  const client = modules.instrumentSentinel({ meterProvider });
  // Kept until close(), not dropped when a phase ends: a scrape after the run still sees every
  // policy's counters and last state.
  const instrumentations: { dispose(): void }[] = [];
  return {
    route: (request, response) => exporter.getMetricsRequestHandler(request, response),
    instrument: (policy, name) => {
      instrumentations.push(modules.instrumentPolicy(policy, { name, meterProvider }));
    },
    async close() {
      client.dispose();
      for (const instrumentation of instrumentations.splice(0)) instrumentation.dispose();
      await meterProvider.shutdown();
    },
  };
}
