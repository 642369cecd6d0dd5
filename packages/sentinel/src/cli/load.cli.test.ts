import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import type { LoadTestReport } from '@sentinel/workers';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { validateReportDocument } from '../report/validate.ts';
import { browserUnavailable, inkPerChart, launchBrowser } from '../test-support/browser.ts';
import { ensureBuilt, runCli, spawnCli } from '../test-support/built.ts';

beforeAll(() => ensureBuilt(), 600_000);

let server: ChaosServer;
let folder: string;
beforeEach(async () => {
  server = await startChaosServer({ seed: 5 });
  folder = mkdtempSync(join(tmpdir(), 'sentinel-load-'));
});
afterEach(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});

describe('http-sentinel load (built bin)', () => {
  it('--json: a report whose counts match what the server saw; --report: a page that draws it', async () => {
    server.route('/api', [
      { type: 'status', status: 503, rate: 0.1 },
      { type: 'reset-before-headers', rate: 0.03 },
    ]);
    const page = join(folder, 'report.html');
    const result = await runCli(['load', `${server.url}/api`, '-w', '8', '-n', '50', '--json', '--report', page]);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as LoadTestReport;
    expect(report).toMatchObject({ requests: 400, workers: 8, aborted: false, model: 'closed' });
    expect(report.attempts).toBe(server.stats().requests); // every attempt reached the server once
    expect(report.retries).toBeGreaterThan(0);
    expect(report.successRate).toBeGreaterThanOrEqual(0.99);
    expect(report.latencyMs.p99).toBeGreaterThan(0);
    expect(result.stderr).toContain('latency'); // the table goes to stderr with --json
    expect(result.stderr).toContain(`report written to ${page}`);

    const html = readFileSync(page, 'utf8');
    const json = /<script type="application\/json" id="sentinel-report-data">(.*?)<\/script>/s.exec(
      html,
    )?.[1] as string;
    const doc = validateReportDocument(JSON.parse(json));
    expect(doc.phases[0]?.summary.requests).toBe(400);

    if (browserUnavailable() !== undefined) return;
    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage();
      const problems: string[] = [];
      tab.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      tab.on('pageerror', (e) => problems.push(e.message));
      await tab.goto(pathToFileURL(page).href);
      await tab.waitForSelector('body[data-rendered="1"]');
      expect(problems).toEqual([]);
      const charts = await inkPerChart(tab);
      expect(charts.map((c) => c.kind)).toEqual(expect.arrayContaining(['throughput', 'errors', 'latency']));
      for (const chart of charts) expect(chart.ink, chart.kind).toBeGreaterThan(3);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('without --json the table goes to stdout; --min-success fails the run (exit 1) when the rate is below it', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const result = await runCli([
      'load',
      `${server.url}/down`,
      '-w',
      '2',
      '-n',
      '3',
      '--preset',
      'hft',
      '--min-success',
      '0.5',
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('latency');
    expect(result.stderr).toMatch(/success rate 0\.00 % is below --min-success 50 %/);
  }, 60_000);

  it('regression: a worker whose breaker is open does not spin on fast rejections and starve the others', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const result = await runCli(['load', `${server.url}/down`, '-w', '6', '-d', '2s', '--preset', 'hft', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as LoadTestReport;
    // Every worker got its 3 failures in and tripped its own breaker (before the fix, the first
    // to trip ran on microtasks alone and the others stalled with a request or two each).
    expect(new Set(report.breakerTransitions.filter((t) => t.to === 'open').map((t) => t.workerIndex)).size).toBe(6);
    expect(report.errors.SENTINEL_CIRCUIT_OPEN).toBeGreaterThan(0);
    // Rejections without I/O go as fast as the workers yield, so every worker keeps sending.
    expect(Math.min(...report.perWorker.map((w) => w.requests))).toBeGreaterThan(3);
    expect(report.elapsedMs).toBeLessThan(3_000);
  }, 60_000);

  it('-m POST -b: every request of every worker carries the body (one request init per worker, reused)', async () => {
    server.route('/orders', [{ type: 'echo' }]);
    const body = 'x'.repeat(4_000);
    const result = await runCli([
      'load',
      `${server.url}/orders`,
      '-w',
      '3',
      '-n',
      '4',
      '-m',
      'POST',
      '-b',
      body,
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect((JSON.parse(result.stdout) as LoadTestReport).requests).toBe(12);
    const stats = server.stats();
    expect(stats.byMethod).toEqual({ POST: 12 });
    expect(stats.bytesReceived).toBeGreaterThanOrEqual(12 * body.length);
  }, 60_000);

  it('--warmup: the warm-up requests reach the server but not the report', async () => {
    const result = await runCli(['load', `${server.url}/warm`, '-w', '4', '-n', '25', '--warmup', '200ms', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as LoadTestReport;
    expect(report).toMatchObject({ requests: 100, succeeded: 100, attempts: 100, retries: 0 });
    // Each worker sends at least one warm-up request (a phase's first request starts before its end).
    expect(server.stats().requests).toBeGreaterThanOrEqual(104);
    expect(result.stderr).toContain('4 workers × 25 requests, preset production, after a 0.2 s warm-up');
  }, 60_000);

  it('a target that refuses connections: one line, exit 1', async () => {
    const result = await runCli(['load', 'http://127.0.0.1:1/', '-n', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('http-sentinel: cannot connect to http://127.0.0.1:1 (ECONNREFUSED)');
  }, 60_000);

  it('bad usage: exit 2 with one line naming what is wrong', async () => {
    const url = `${server.url}/x`;
    for (const [args, named] of [
      [['load'], 'missing URL'],
      [['load', 'ftp://127.0.0.1/x'], 'http:// or https://'],
      [['load', 'not a url'], 'not a URL'],
      [['load', url, '-w', '-1'], '-w'],
      [['load', url, '-w', 'ten'], '--workers'],
      [['load', url, '-n', '0'], '--requests'],
      [['load', url, '-n', '5', '-d', '1s'], '--duration'],
      [['load', url, '-d', '10x'], '--duration'],
      [['load', url, '--warmup', 'soon'], '--warmup'],
      [['load', url, '--warmup', '0'], '--warmup'],
      [['load', url, '--rate', '0'], '--rate'],
      [['load', url, '--rate', 'NaN'], '--rate'],
      [['load', url, '--min-success', '1.5'], '--min-success'],
      [['load', url, '--preset', 'staging'], '--preset'],
      [['load', url, '-m', 'GE T'], '--method'],
      [['load', url, '-b', 'x'], '--body'],
      [['load', url, '-H', 'x-bad: a\rb'], 'headers'],
      [['load', url, '--report', join(folder, 'no/such/dir/r.html')], '--report'],
      [['load', url, '--colour'], '--colour'],
    ] as const) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toContain(named);
      expect(result.stdout).toBe('');
    }
    expect(server.stats().requests).toBe(0); // nothing was sent for a bad command line
  }, 120_000);

  it('Ctrl-C mid-run stops sending, prints the partial report and exits 130', async () => {
    server.route('/slow', [{ type: 'echo', latencyMs: 20 }]);
    const cli = spawnCli(['load', `${server.url}/slow`, '-w', '4', '-d', '60s', '--json']);
    await vi.waitFor(() => expect(server.stats().requests).toBeGreaterThan(20), { timeout: 30_000, interval: 20 });
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    const report = JSON.parse(result.stdout) as LoadTestReport;
    expect(report.aborted).toBe(true);
    expect(report.requests).toBeGreaterThan(0);
    expect(report.requests).toBeLessThanOrEqual(server.stats().requests);
    expect(result.stderr).toContain('interrupted');
    const sent = server.stats().requests;
    await new Promise((resolve) => AbortSignal.timeout(200).addEventListener('abort', resolve));
    expect(server.stats().requests).toBe(sent); // nothing more after the exit
  }, 90_000);

  it('Ctrl-C during the warm-up: an empty, interrupted report and exit 130, nothing sent after', async () => {
    server.route('/slow', [{ type: 'echo', latencyMs: 20 }]);
    const cli = spawnCli(['load', `${server.url}/slow`, '-w', '4', '-n', '10', '--warmup', '60s', '--json']);
    await vi.waitFor(() => expect(server.stats().requests).toBeGreaterThan(20), { timeout: 30_000, interval: 20 });
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    const report = JSON.parse(result.stdout) as LoadTestReport;
    // The warm-up's requests are never the report's: the measured phase had not begun.
    expect(report).toMatchObject({ aborted: true, requests: 0 });
    expect(result.stderr).toContain('interrupted');
    const sent = server.stats().requests;
    await new Promise((resolve) => AbortSignal.timeout(200).addEventListener('abort', resolve));
    expect(server.stats().requests).toBe(sent);
  }, 90_000);
});
