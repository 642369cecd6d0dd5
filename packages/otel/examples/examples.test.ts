import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { circuitBreaker } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { createClient } from '@sentinel/client';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceThrough } from '../src/test-support/clock.ts';
import { startTelemetry } from './otlp.ts';
import { printTrace } from './print-trace.ts';
import { prometheusMetrics } from './prometheus.ts';

const FILES = ['otlp.ts', 'prometheus.ts', 'print-trace.ts'];

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ routes: { '/inventory': [{ type: 'status', status: 503, times: 2 }] } });
});
afterEach(async () => {
  await server.close();
});

describe('README examples', () => {
  it('otlp.ts: spans and metrics reach the collector over OTLP/HTTP (the chaos server stands in for it)', async () => {
    const breaker = circuitBreaker({});
    const shutdown = await startTelemetry(server.url, { inventory: breaker });
    const client = createClient({ baseUrl: server.url, breaker });
    try {
      const echo = (await (await client.get('/echo')).json()) as { headers: [string, string][] };
      // propagate: true: the request carried its attempt span's traceparent.
      expect(
        echo.headers.some(([name, value]) => name === 'traceparent' && /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/.test(value)),
      ).toBe(true);
    } finally {
      await client.close();
      await shutdown();
    }
    const byRoute = server.stats().byRoute;
    expect(byRoute['POST /v1/traces']).toBeGreaterThanOrEqual(1);
    expect(byRoute['POST /v1/metrics']).toBeGreaterThanOrEqual(1);
  });

  it('prometheus.ts: /metrics serves the client and policy metrics in the Prometheus text format', async () => {
    const breaker = circuitBreaker({});
    const metrics = prometheusMetrics({ inventory: breaker });
    const admin: Server = createServer((req, res) => {
      if (req.url === '/metrics') metrics.handle(req, res);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => admin.listen(0, '127.0.0.1', resolve));
    const client = createClient({ baseUrl: server.url, breaker });
    try {
      await client.get('/echo');
      const { port } = admin.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/metrics`);
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).toMatch(/^http_client_request_duration_count\{.*http_response_status_code="200".*\} 1$/m);
      expect(text).toMatch(/^sentinel_client_request_duration_bucket\{/m);
      expect(text).toMatch(/^sentinel_breaker_state\{.*sentinel_breaker_state="closed".*\} 1$/m);
    } finally {
      await client.close();
      await metrics.close();
      await new Promise((resolve) => admin.close(resolve));
    }
  });

  it('print-trace.ts: a request span with its decisions as events and one child span per attempt', async () => {
    const clock = new ManualClock();
    const printing = printTrace(server.url, '/inventory', clock);
    await advanceThrough(clock, 3);
    const text = (await printing).replace(/\d+(\.\d+)? ms/g, 'N ms').replace(/:\d+\]/g, ':PORT]');
    expect(text).toBe(
      [
        'HTTP GET [127.0.0.1:PORT] 200 N ms',
        '  event +N ms sentinel.retry.wait attempt=1 delay_ms=100 delay_source=backoff backoff_ms=100',
        '  event +N ms sentinel.retry.wait attempt=2 delay_ms=100 delay_source=backoff backoff_ms=100',
        '  event +N ms sentinel.breaker.reject state=open retry_after_ms=200',
        '  event +N ms sentinel.retry.wait attempt=3 delay_ms=200 delay_source=retry-after backoff_ms=100 retry_after_ms=200',
        '  event +N ms sentinel.breaker.probe',
        '  └ HTTP GET [127.0.0.1:PORT] 503 error.type=503 N ms',
        '  └ HTTP GET [127.0.0.1:PORT] 503 resend_count=1 error.type=503 N ms',
        '  └ HTTP GET [127.0.0.1:PORT] 200 resend_count=2 N ms',
      ].join('\n'),
    );
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of FILES) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(
        `<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``,
      );
    }
  });
});
