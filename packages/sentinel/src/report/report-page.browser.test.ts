import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, inkPerChart, launchBrowser, watch } from '../test-support/browser.ts';
import { sampleReport } from '../test-support/sample-report.ts';
import { renderReportHtml } from './render-html.ts';

const unavailable = browserUnavailable();

describe.skipIf(unavailable !== undefined)('the report page in chromium', () => {
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    folder = mkdtempSync(join(tmpdir(), 'sentinel-report-'));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('a written report draws every chart, logs no error and requests nothing beyond its own file', async () => {
    const file = join(folder, 'report.html');
    writeFileSync(file, renderReportHtml(sampleReport()));
    const { page, problems, requests } = await watch(browser);
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-rendered="1"]');

    expect(problems).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);
    expect(await page.title()).toBe(sampleReport().title); // the <script> in the title stays text

    const charts = await inkPerChart(page);
    expect(charts.map((c) => c.kind)).toEqual([
      'throughput',
      'errors',
      'latency-time',
      'latency',
      'series',
      'series',
      'breakers',
      'latency', // the summary-only phase still gets its distribution curve
    ]);
    for (const chart of charts)
      expect(chart.ink, `${chart.kind} has nothing drawn`).toBeGreaterThan(chart.kind === 'breakers' ? 3 : 50);

    expect(await page.locator('#phase-0 [data-stat="requests"]').textContent()).toMatch(/^[\d,]+$/);
    expect(await page.locator('#phase-0 [data-stat="latency-p999"]').textContent()).toBe('180 ms');
    expect(await page.locator('.guarantees .fail').count()).toBe(1);
    expect(await page.locator('svg.breakers rect[data-kind="window"]').count()).toBe(1);

    if (process.env.SENTINEL_REPORT_SCREENSHOT) {
      await page.screenshot({ path: process.env.SENTINEL_REPORT_SCREENSHOT, fullPage: true });
    }
    await page.close();
  }, 60_000);

  it('a live page redraws from each Server-Sent Event and talks only to 127.0.0.1', async () => {
    const streams = new Set<ServerResponse>();
    const server: Server = createServer((request, response) => {
      if (request.url === '/events') {
        response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
        response.write(': connected\n\n');
        streams.add(response);
        request.on('close', () => streams.delete(response));
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(renderReportHtml({ ...sampleReport(), status: 'running' }, { liveUrl: '/events' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { page, problems, requests } = await watch(browser);
    try {
      await page.goto(origin);
      await page.waitForSelector('#live.live');
      const before = await page.locator('#phase-0 [data-stat="requests"]').textContent();
      expect(await page.locator('#run-status').textContent()).toBe('running');

      const update = { ...sampleReport(2), status: 'finished' as const };
      for (const stream of streams) stream.write(`data: ${JSON.stringify(update)}\n\n`);
      await page.waitForSelector('body[data-rendered="2"]');
      const after = await page.locator('#phase-0 [data-stat="requests"]').textContent();
      expect(after).not.toBe(before);
      expect(after).toBe(update.phases[0]?.summary.requests.toLocaleString('en-US'));
      expect(await page.locator('#run-status').textContent()).toBe('');
      expect((await inkPerChart(page)).every((c) => c.ink > 3)).toBe(true);

      expect(problems).toEqual([]);
      expect(requests.length).toBeGreaterThanOrEqual(2);
      for (const url of requests) expect(url.startsWith(`${origin}/`)).toBe(true);
    } finally {
      await page.close();
      for (const stream of streams) stream.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 60_000);
});
