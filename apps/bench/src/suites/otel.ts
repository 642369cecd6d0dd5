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
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import {
  type Attributes,
  type Histogram,
  type MeterProvider as MeterProviderApi,
  propagation,
  SpanKind,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
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
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type Client, createClient } from '@sentinel/client';
import type { Disposer } from '@sentinel/core';
import { DURATION_BUCKETS, instrumentPolicy, instrumentSentinel } from '@sentinel/otel';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { type AsyncCase, type Reporter, table } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

/** Drops every batch: the span pipeline runs (processor, batching), the network does not. */
const droppingExporter: SpanExporter = {
  export: (_spans, done) => done({ code: 0 }),
  shutdown: async () => {},
};

const CHANNELS = ['start', 'request', 'response', 'error', 'decision', 'end'];
const subscribed = () => CHANNELS.filter((name) => channel(`sentinel:client:${name}`).hasSubscribers);

interface Options {
  readonly rounds: number;
  readonly iterations: number;
  readonly concurrency: number;
  readonly warmup: number;
}

async function run(fn: () => Promise<unknown>, total: number, concurrency: number): Promise<void> {
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      await fn();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, worker));
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const µs = (value: number) => `${value.toFixed(2)} µs`;
const times = (value: number) => `${value.toFixed(3)}×`;

/**
 * Like the harness's `interleaved`, with statistics that hold on a shared, busy machine: each
 * round runs every case once (rotated order), and a case is compared with the baseline **of the
 * same round** (the median over rounds of those paired ratios), and by its least disturbed round
 * (the minimum CPU per request, the usual estimator of a cost under interference).
 */
async function paired(title: string, baseline: AsyncCase, cases: readonly AsyncCase[], o: Options): Promise<void> {
  const all = [baseline, ...cases];
  for (const item of all) await run(item.fn, o.warmup, o.concurrency);
  const cpu = all.map((): number[] => []);
  const wall = all.map((): number[] => []);
  for (let round = 0; round < o.rounds; round++) {
    for (let k = 0; k < all.length; k++) {
      const index = (k + round) % all.length;
      const used = process.cpuUsage();
      const started = performance.now();
      await run((all[index] as AsyncCase).fn, o.iterations, o.concurrency);
      (wall[index] as number[]).push(((performance.now() - started) * 1e3) / o.iterations);
      const spent = process.cpuUsage(used);
      (cpu[index] as number[]).push((spent.user + spent.system) / o.iterations);
    }
  }
  const base = { cpu: cpu[0] as number[], wall: wall[0] as number[] };
  const rows = all.map((item, i) => {
    const c = cpu[i] as number[];
    const w = wall[i] as number[];
    const cpuRatio = median(c.map((v, r) => v / (base.cpu[r] as number)));
    const wallRatio = median(w.map((v, r) => v / (base.wall[r] as number)));
    return [
      i === 0 ? `${item.name} (baseline)` : item.name,
      µs(Math.min(...c)),
      times(Math.min(...c) / Math.min(...base.cpu)),
      times(cpuRatio),
      times(1 / cpuRatio),
      times(1 / wallRatio),
    ];
  });
  console.log(`\n### ${title}\n`);
  console.log(
    `${o.rounds} rounds × ${o.iterations} requests per case at concurrency ${o.concurrency}, cases rotated each round. ` +
      'CPU = this process (user + system) per request; the server runs in its own process. ' +
      '"paired" = median over rounds of (case / baseline of the same round); "CPU-bound throughput" = 1 / paired CPU ratio.',
  );
  console.log('');
  console.log(
    table(
      [
        'case',
        'CPU/req, best round',
        'ratio of best',
        'CPU ratio, paired',
        'CPU-bound throughput',
        'wall throughput, paired',
      ],
      rows,
    ),
  );
}

/** Nanoseconds of CPU per call of each `fn`, best and median of `rounds` interleaved rounds. */
async function perOperation(title: string, cases: readonly { name: string; fn: () => void }[]): Promise<void> {
  const rounds = 15;
  const chunks = 40;
  const chunk = 500;
  const results = cases.map((): number[] => []);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const index = (k + round) % cases.length;
      const fn = (cases[index] as { fn: () => void }).fn;
      let spent = 0;
      for (let c = 0; c < chunks; c++) {
        const used = process.cpuUsage();
        for (let i = 0; i < chunk; i++) fn();
        const delta = process.cpuUsage(used);
        spent += delta.user + delta.system;
        // Lets the BatchSpanProcessor export between chunks, as it would between requests.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (round > 0) (results[index] as number[]).push((spent * 1e3) / (chunks * chunk));
    }
  }
  console.log(`\n### ${title}\n`);
  console.log(`${rounds - 1} rounds × ${chunks * chunk} calls, interleaved; CPU per call (the first round warms up).`);
  console.log('');
  console.log(
    table(
      ['operation', 'best round', 'median round'],
      cases.map((c, i) => [
        c.name,
        `${Math.min(...(results[i] as number[])).toFixed(0)} ns`,
        `${median(results[i] as number[]).toFixed(0)} ns`,
      ]),
    ),
  );
}

type Mode = 'off' | 'listened' | 'metrics' | 'traces' | 'both' | 'tenth' | 'propagate';

const ignore = () => {};

export default async function otelSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  const CONNECTIONS = 64;
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

  let mode: Mode = 'off';
  let active: Disposer[] = [];
  const switchTo = (next: Mode) => {
    if (mode === next) return;
    for (const disposer of active) disposer.dispose();
    active = [];
    mode = next;
    if (next === 'off') return;
    if (next === 'listened') {
      for (const name of CHANNELS) subscribe(`sentinel:client:${name}`, ignore);
      const dispose = () => {
        for (const name of CHANNELS) unsubscribe(`sentinel:client:${name}`, ignore);
      };
      active = [{ dispose, [Symbol.dispose]: dispose }];
      return;
    }
    // "Not given" is what a user without that SDK has: the API's no-op global providers.
    const meters: MeterProviderApi | undefined = next === 'traces' ? undefined : meterProvider;
    const tracers: TracerProvider | undefined = next === 'metrics' ? undefined : next === 'tenth' ? tenth : every;
    active = [instrumentSentinel({ meterProvider: meters, tracerProvider: tracers, propagate: next === 'propagate' })];
    if (meters !== undefined) {
      for (const [name, policy] of Object.entries(full.policies)) {
        active.push(instrumentPolicy(policy, { name, meterProvider: meters }));
      }
    }
  };
  const get = (client: Client, next: Mode) => () => {
    switchTo(next);
    return client.get('/items').then((r) => r.text());
  };

  // The SDK's floor: what the instrumentation asks of the SDK for a request answered at once.
  const floorTracer = every.getTracer('bench-floor');
  const floorMeter = meterProvider.getMeter('bench-floor');
  const histogram = (name: string): Histogram =>
    floorMeter.createHistogram(name, { unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] } });
  const floorAttempt = histogram('http.client.request.duration');
  const floorRequest = histogram('sentinel.client.request.duration');
  const address = new URL(server.url);
  const base: Attributes = Object.freeze({
    'http.request.method': 'GET',
    'server.address': address.hostname,
    'server.port': Number(address.port),
  });
  const spanAttributes: Attributes = Object.freeze({ ...base, 'url.full': `${server.url}/items` });
  const pointAttributes: Attributes = Object.freeze({ ...base, 'http.response.status_code': 200 });
  const floorTenthTracer = tenth.getTracer('bench-floor');
  const sdkFloor = (tracer = floorTracer) => {
    switchTo('off');
    const span = tracer.startSpan('HTTP GET', { kind: SpanKind.CLIENT, attributes: spanAttributes });
    return full.client.get('/items').then(async (r) => {
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

  // The same, metrics only: the two histogram points of a request.
  const metricsFloor = () => {
    switchTo('off');
    return full.client.get('/items').then(async (r) => {
      const text = await r.text();
      floorAttempt.record(0.0001, pointAttributes);
      floorRequest.record(0.0001, pointAttributes);
      return text;
    });
  };

  try {
    const options = { rounds: 21, iterations: 800, warmup: 500, concurrency: 64 };
    const before = subscribed();
    await paired(
      'Zero cost: @sentinel/otel imported, instrumentSentinel never called (target: within the A/A control)',
      { name: 'full stack, instrumentSentinel never called', fn: get(full.client, 'off') },
      [{ name: 'full stack, never called (A/A control)', fn: get(fullControl.client, 'off') }],
      options,
    );
    console.log(
      `\nBefore any instrumentSentinel call: ${before.length === 0 ? 'no' : before.join(', ')} diagnostics_channel subscriber, so the client builds no message.`,
    );

    await paired(
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
        { name: 'SDK floor, metrics: not instrumented + 2 points by hand', fn: metricsFloor },
        { name: 'SDK floor: not instrumented + 1 span and 2 points by hand', fn: () => sdkFloor() },
        {
          name: 'SDK floor, 10 % sampled: the same with the 10 % tracer',
          fn: () => sdkFloor(floorTenthTracer),
        },
      ],
      options,
    );
    switchTo('off');
    const after = subscribed();
    console.log(
      `\nAfter dispose: ${after.length === 0 ? 'no' : after.join(', ')} diagnostics_channel subscriber left, so an uninstrumented client builds no message.`,
    );

    const tenthTracer = tenth.getTracer('bench-sdk');
    const everyTracer = every.getTracer('bench-sdk');
    const noopTracer = trace.getTracer('bench-sdk');
    const span = { kind: SpanKind.CLIENT, attributes: spanAttributes };
    let value = 0;
    await perOperation('The SDK alone, per operation (what the instrumentation cannot make cheaper)', [
      {
        name: 'histogram.record(v, cached attributes)',
        fn: () => floorAttempt.record((value++ % 100) / 1e4, pointAttributes),
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
    propagation.disable();
    await Promise.all([meterProvider.shutdown(), every.shutdown(), tenth.shutdown()]);
    await server.close();
  }
}
