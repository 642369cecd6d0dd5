import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { type Clock, systemClock } from '@sentinel/core';
import { instrumentSentinel } from '@sentinel/otel';

// One request through retry → breaker, and the spans it produced, printed as a tree.
export async function printTrace(baseUrl: string, path: string, clock: Clock = systemClock): Promise<string> {
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const instrumentation = instrumentSentinel({ tracerProvider });
  try {
    await using client = createClient({
      baseUrl,
      clock,
      retry: retry({ maxAttempts: 4, backoff: constant(100), clock }),
      breaker: circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter: 300, clock }),
    });
    await client.get(path);
  } finally {
    instrumentation.dispose();
  }
  return render(exporter.getFinishedSpans());
}

function render(spans: ReadableSpan[]): string {
  const root = spans.find((span) => span.parentSpanContext === undefined) as ReadableSpan;
  const lines = [describe(root)];
  for (const event of root.events) {
    const at = (event.time[0] - root.startTime[0]) * 1e3 + (event.time[1] - root.startTime[1]) / 1e6;
    const fields = Object.entries(event.attributes ?? {}).map(
      ([key, value]) => ` ${key.split('.').at(-1)}=${typeof value === 'number' ? Math.round(value) : value}`,
    );
    lines.push(`  event +${Math.round(at)} ms ${event.name}${fields.join('')}`);
  }
  for (const span of spans.filter((s) => s !== root)) lines.push(`  └ ${describe(span)}`);
  return lines.join('\n');
}

function describe(span: ReadableSpan): string {
  const a = span.attributes;
  const ms = (span.duration[0] * 1e3 + span.duration[1] / 1e6).toFixed(1);
  const resend = a['http.request.resend_count'] === undefined ? '' : ` resend_count=${a['http.request.resend_count']}`;
  const error = a['error.type'] === undefined ? '' : ` error.type=${a['error.type']}`;
  return `${span.name} [${a['server.address']}:${a['server.port']}] ${a['http.response.status_code'] ?? '-'}${resend}${error} ${ms} ms`;
}
