import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock, systemWallClock } from '@sentinel/core';
import { afterAll, describe, expect, it } from 'vitest';
import { prometheusMetrics } from '../metrics.ts';
import { collector } from '../test-support/collector.ts';
import { type DemoIo, main } from './main.ts';

const folder = mkdtempSync(join(tmpdir(), 'sentinel-demo-main-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The demo's io with collected output and a Ctrl-C the test presses. */
function testIo(onDashboard?: (url: string) => void) {
  const out = collector();
  const err = collector();
  const signals = new EventEmitter();
  const io: DemoIo = {
    out: out.stream,
    err: err.stream,
    interactive: false,
    cwd: folder,
    signals: { on: (e, l) => signals.on(e, l), off: (e, l) => signals.off(e, l) },
    exit: (code) => {
      throw new Error(`the demo tried to exit with ${code}`);
    },
    clock: systemClock,
    wallClock: systemWallClock,
    ...(onDashboard === undefined ? {} : { onDashboard: (dashboard: { url: string }) => onDashboard(dashboard.url) }),
  };
  return { io, out, err, ctrlC: () => signals.emit('SIGINT'), listeners: () => signals.listenerCount('SIGINT') };
}

function get(url: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, type: response.headers['content-type'], body }),
      );
    })
      .on('error', reject)
      .end();
  });
}

/** The value of a Prometheus sample line `name{…labels…} value` (summed over label sets matching `labels`). */
function sample(text: string, name: string, labels = ''): number {
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes(labels))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(' ') + 1)), 0);
}

describe('main (in-process)', () => {
  it('--dashboard serves the page and /metrics (OpenTelemetry Prometheus exporter) until Ctrl-C, then exits 0', async () => {
    let opened: (url: string) => void = () => {};
    const url = new Promise<string>((resolve) => {
      opened = resolve;
    });
    const t = testIo((u) => opened(u));
    const run = main(['--dashboard', '--phase', 'load', '--workers', '4', '--requests', '10', '--seed', '2'], t.io);
    let base = '';
    let attempts = -1;
    // Ctrl-C whatever happens: a demo left running keeps its metrics subscribed to the client's
    // channels for every later test file of this worker.
    try {
      base = await url;
      for (let i = 0; i < 400 && !t.err.text().includes('stays up'); i++) await systemClock.sleep(50);
      expect(t.err.text()).toContain(`metrics:   ${base}metrics`);
      expect(t.err.text()).toContain('stays up');

      const page = await get(base);
      expect(page.status).toBe(200);
      expect(page.body).toContain('"status":"finished"');
      const metrics = await get(`${base}metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.type).toMatch(/^text\/plain/);
      const text = metrics.body;
      // Every client request, and the layers' own metrics, under the names @sentinel/otel documents.
      expect(sample(text, 'sentinel_client_request_duration_count')).toBe(40);
      attempts = sample(text, 'http_client_request_duration_count');
      expect(attempts).toBeGreaterThanOrEqual(40);
      // Each worker's breaker (one per origin) reports its state: closed, after a run at 10 % faults.
      for (let worker = 0; worker < 4; worker++) {
        const breaker = `sentinel_policy_name="load/breaker/server/worker ${worker}",sentinel_breaker_state`;
        expect(sample(text, 'sentinel_breaker_state', `${breaker}="closed"`)).toBe(1);
        expect(sample(text, 'sentinel_breaker_state', `${breaker}="open"`)).toBe(0);
      }
      expect(text).toContain('# TYPE http_client_request_duration histogram');
    } finally {
      t.ctrlC();
      await run.catch(() => {});
    }
    expect(await run, t.out.text()).toBe(0);
    expect(t.listeners()).toBe(0);
    await expect(get(base)).rejects.toThrow(/ECONNREFUSED/);
    expect(t.out.text()).toMatch(/^ {2}ok {4}no socket or timer left/m);
    expect(t.out.text()).toMatch(/^ {2}ok {4}load: client attempts = server requests/m);
    // One attempt-duration point per attempt the client sent: the guarantee line's "N sent". (Not
    // the retry policy's attempt count: it also counts calls its breaker or limiter refused, which
    // never reach the client.)
    const sent = /load: client attempts = server requests — ([\d,]+) sent/.exec(t.out.text())?.[1];
    expect(attempts).toBe(Number(sent?.replaceAll(',', '')));
  }, 120_000);

  it('--report writes the report page as one file, and bad input writes nothing', async () => {
    const file = join(folder, 'report.html');
    const t = testIo();
    expect(await main(['--phase', 'load', '--workers', '3', '--requests', '5', '--report', file], t.io)).toBe(0);
    expect(t.err.text()).toContain(`report: ${file}\n`);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>HTTP Sentinel demo</title>');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // nothing fetched: one self-contained file

    const bad = testIo();
    expect(await main(['--requests', 'lots', '--report', join(folder, 'never.html')], bad.io)).toBe(2);
    expect(bad.err.text()).toBe("demo: --requests must be a whole number; got 'lots' (see --help)\n");
    expect(() => readFileSync(join(folder, 'never.html'))).toThrow(/ENOENT/);
  }, 120_000);
});

describe('main when a guarantee breaks', () => {
  it('prints FAIL beside it and exits 1 (here: 90 % of requests fail, beyond what retries absorb)', async () => {
    const t = testIo();
    const code = await main(['--phase', 'load', '--workers', '5', '--requests', '2', '--failure-rate', '90%'], t.io);
    expect(code).toBe(1);
    expect(t.out.text()).toMatch(/^ {2}FAIL {2}load: retryable success ≥ 99\.9 % \(every request is a GET\) — /m);
    // What could still be judged held: the failures are the server's, not lost or resent requests.
    expect(t.out.text()).toMatch(/^ {2}ok {4}load: client attempts = server requests/m);
  }, 120_000);
});

describe('prometheusMetrics', () => {
  it('without the optional exporter installed, says why instead of failing the dashboard', async () => {
    const missing = await prometheusMetrics(async () => {
      throw new Error("Cannot find package '@opentelemetry/exporter-prometheus'\nRequire stack: …");
    });
    expect(missing).toEqual({
      unavailable:
        "the OpenTelemetry Prometheus exporter is not installed (Cannot find package '@opentelemetry/exporter-prometheus')",
    });
  });
});
