/**
 * `otel`: what observability costs a client, in the same run, against the ok-server in its own
 * process (concurrency 64, interleaved rounds, wall and CPU per request). The SDK is the real one,
 * set up as in production: a MeterProvider with a PeriodicExportingMetricReader (60 s interval,
 * in-memory exporter), a BasicTracerProvider with a BatchSpanProcessor (an exporter that drops
 * batches) and the default sampler (ParentBased(AlwaysOn)), or ParentBased(TraceIdRatio 10 %).
 *
 * 1. Zero cost: before `instrumentSentinel` is ever called (`@sentinel/otel` imported, nothing
 *    subscribed), against the A/A control.
 * 2. The full stack (retry + breaker + bucket), `instrumentSentinel` + `instrumentPolicy`:
 *    metrics only, traces only, both, both at 10 % sampling, both with W3C propagation; and the
 *    SDK's floor: the uninstrumented client plus, per request, exactly the SDK calls the
 *    instrumentation makes for a request answered at once (one span, two histogram points); and
 *    the client's own cost of publishing (empty listeners on its channels). So "metrics + traces"
 *    − floor − messages is this package's own cost. Target: instrumented throughput ≥ 0.95×.
 * 3. The SDK alone, per operation (mitata): what one span and one histogram point cost.
 * 4. The decision trace: `trace: false` and no option must not differ (beyond the A/A control).
 *
 * Instrumentation is process-wide (diagnostics_channel), so each case switches it on or off
 * before its batch: a boolean check per call once in the right state. The "not instrumented"
 * baseline of table 2 runs after instrumentations were disposed (the rounds rotate).
 */
import { SpanKind, trace } from '@opentelemetry/api';
import type { Client } from '@sentinel/client';
import type { Reporter } from '../harness.ts';
import { createClients } from '../otel/clients.ts';
import { createModeSwitch, type Mode, subscribedChannels } from '../otel/modes.ts';
import { pairedRounds } from '../otel/paired-rounds.ts';
import { perOperation } from '../otel/per-operation.ts';
import { startSdk } from '../otel/sdk.ts';
import { createSdkFloor } from '../otel/sdk-floor.ts';
import { spawnServer } from '../servers/spawn.ts';

export default async function otelSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  const sdk = startSdk();
  const { full, fullControl, bare, bareControl, traceOff, traceOn, all: clients } = createClients(server.url);
  const switchTo = createModeSwitch(sdk, full.policies);
  const get = (client: Client, next: Mode) => () => {
    switchTo(next);
    return client.get('/items').then((r) => r.text());
  };
  const floor = createSdkFloor({ sdk, client: full.client, serverUrl: server.url, switchTo });

  try {
    const options = { rounds: 21, iterations: 800, warmup: 500, concurrency: 64 };
    const before = subscribedChannels();
    await pairedRounds(
      'Zero cost: @sentinel/otel imported, instrumentSentinel never called (target: within the A/A control)',
      { name: 'full stack, instrumentSentinel never called', fn: get(full.client, 'off') },
      [{ name: 'full stack, never called (A/A control)', fn: get(fullControl.client, 'off') }],
      options,
    );
    console.log(
      `\nBefore any instrumentSentinel call: ${before.length === 0 ? 'no' : before.join(', ')} diagnostics_channel subscriber, so the client builds no message.`,
    );

    await pairedRounds(
      'OpenTelemetry on the full stack, concurrency 64 (target: instrumented throughput ≥ 0.95×)',
      { name: 'full stack, not instrumented (after dispose)', fn: get(full.client, 'off') },
      [
        { name: 'full stack, not instrumented (A/A control)', fn: get(fullControl.client, 'off') },
        { name: "client's messages only (empty listeners on its channels)", fn: get(full.client, 'listened') },
        { name: 'metrics only', fn: get(full.client, 'metrics') },
        { name: 'traces only, every request sampled', fn: get(full.client, 'traces') },
        { name: 'metrics + traces, every request sampled', fn: get(full.client, 'both') },
        { name: 'metrics + traces, 10 % sampled (ParentBased(TraceIdRatio))', fn: get(full.client, 'tenth') },
        { name: 'metrics + traces, every request, propagate: true', fn: get(full.client, 'propagate') },
        { name: 'SDK floor, metrics: not instrumented + 2 points by hand', fn: floor.pointsOnly },
        { name: 'SDK floor: not instrumented + 1 span and 2 points by hand', fn: () => floor.spanAndPoints() },
        {
          name: 'SDK floor, 10 % sampled: the same with the 10 % tracer',
          fn: () => floor.spanAndPoints(floor.tenthTracer),
        },
      ],
      options,
    );
    switchTo('off');
    const after = subscribedChannels();
    console.log(
      `\nAfter dispose: ${after.length === 0 ? 'no' : after.join(', ')} diagnostics_channel subscriber left, so an uninstrumented client builds no message.`,
    );

    const tenthTracer = sdk.tenth.getTracer('bench-sdk');
    const everyTracer = sdk.every.getTracer('bench-sdk');
    const noopTracer = trace.getTracer('bench-sdk');
    const span = { kind: SpanKind.CLIENT, attributes: floor.spanAttributes };
    let value = 0;
    await perOperation('The SDK alone, per operation (what the instrumentation cannot make cheaper)', [
      {
        name: 'histogram.record(v, cached attributes)',
        fn: () => floor.attemptHistogram.record((value++ % 100) / 1e4, floor.pointAttributes),
      },
      {
        name: 'startSpan(name, 4 attributes).end(), AlwaysOn',
        fn: () => everyTracer.startSpan('HTTP GET', span).end(),
      },
      {
        name: 'the same + 2 setAttribute (a request answered at once)',
        fn: () => {
          const s = everyTracer.startSpan('HTTP GET', span);
          s.setAttribute('sentinel.attempts', 1);
          s.setAttribute('http.response.status_code', 200);
          s.end();
        },
      },
      {
        name: 'startSpan(name, 4 attributes).end(), 10 % sampled',
        fn: () => tenthTracer.startSpan('HTTP GET', span).end(),
      },
      { name: 'startSpan().end() on the API no-op tracer', fn: () => noopTracer.startSpan('HTTP GET', span).end() },
    ]);

    await report.interleaved(
      'Decision trace, concurrency 64 (target: trace: false ≈ no option, within the A/A control)',
      { name: 'client, no trace option', fn: get(bare, 'off') },
      [
        { name: 'client, no trace option (A/A control)', fn: get(bareControl, 'off') },
        { name: 'client, trace: false', fn: get(traceOff, 'off') },
        { name: 'client, trace: true (recording cost, information)', fn: get(traceOn, 'off') },
      ],
      options,
    );
  } finally {
    switchTo('off');
    await Promise.all(clients.map((client) => client.close()));
    await sdk.shutdown();
    await server.close();
  }
}
