import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock, systemWallClock } from '@sentinel/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The report page's browser helpers (Debian's chromium, never a download; ink per chart), shared
// with the meta package's own page test: test code, not published.
import {
  browserUnavailable,
  inkPerChart,
  launchBrowser,
  watch,
} from '../../../packages/sentinel/src/test-support/browser.ts';
import { type DemoIo, main } from './cli/main.ts';
import { collector } from './test-support/collector.ts';
import { DEMO_DIR } from './test-support/spawn-demo.ts';

const unavailable = browserUnavailable();

/** Set it to a path to write the README's screenshot of the report (the run then uses the default sizes). */
const SCREENSHOT = process.env.SENTINEL_DEMO_SCREENSHOT;

// The DOM as far as the checks below use it (the repo's tsconfig has no DOM lib).
interface Box {
  readonly x: number;
  readonly width: number;
}
interface Rect {
  getBBox(): Box;
}
declare const document: { querySelectorAll(selector: string): Iterable<Rect> };

/** The open intervals of the gateway's breaker timeline that overlap its outage window (SVG x ranges). */
function openDuringOutage(page: Page): Promise<number> {
  return page.evaluate(() => {
    const windows = Array.from(
      document.querySelectorAll('[data-phase="API gateway"] svg.breakers rect[data-kind="window"]'),
    );
    const outage = windows[0]?.getBBox();
    if (outage === undefined) return 0;
    return Array.from(document.querySelectorAll('[data-phase="API gateway"] svg.breakers rect[data-state="open"]'))
      .map((rect) => rect.getBBox())
      .filter((open) => open.x < outage.x + outage.width && open.x + open.width > outage.x).length;
  });
}

/**
 * Every chart drew something: a canvas chart its series (saturated pixels; axes and shading are
 * grey or pale), a breaker timeline at least one open or half-open interval.
 */
function expectInk(charts: readonly { readonly kind: string; readonly ink: number }[]): void {
  const empty = charts.filter((c) => c.ink < (c.kind === 'breakers' ? 1 : 20));
  expect(empty, `charts with nothing drawn among ${charts.map((c) => c.kind).join(', ')}`).toEqual([]);
}

/** Requests counted on the page so far, over every phase shown. */
async function requestsShown(page: Page): Promise<number> {
  const cells = await page.locator('[data-stat="requests"]').allTextContents();
  return cells.reduce((sum, text) => sum + Number(text.replace(/,/g, '')), 0);
}

/** Polls `read` until `accept` takes its value; at most `attempts` times, `everyMs` apart. */
async function until<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  attempts = 240,
  everyMs = 250,
): Promise<T> {
  let value = await read();
  for (let i = 0; i < attempts && !accept(value); i++) {
    await systemClock.sleep(everyMs);
    value = await read();
  }
  return value;
}

describe.skipIf(unavailable !== undefined)('the demo in chromium: the live dashboard and the written report', () => {
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    folder = mkdtempSync(join(tmpdir(), 'sentinel-demo-browser-'));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('pnpm demo --dashboard --report: live counters advance, the breakers open during the outage, both pages draw every chart and stay on 127.0.0.1', async () => {
    const out = collector();
    const err = collector();
    const signals = new EventEmitter();
    let dashboardUrl: (url: string) => void = () => {};
    const listening = new Promise<string>((resolve) => {
      dashboardUrl = resolve;
    });
    const io: DemoIo = {
      out: out.stream,
      err: err.stream,
      interactive: false,
      cwd: folder,
      signals: {
        on: (event, listener) => signals.on(event, listener),
        off: (event, listener) => signals.off(event, listener),
      },
      exit: (code) => {
        throw new Error(`the demo tried to exit with ${code}`);
      },
      clock: systemClock,
      wallClock: systemWallClock,
      onDashboard: (dashboard) => dashboardUrl(dashboard.url),
    };
    const reportFile = join(folder, 'demo-report.html');
    // 100 workers × 10: 1,000 load requests, so one request that meets five faults in a row (about
    // 1 in 100,000 at 10 % faults) still leaves the 99.9 % guarantee true; at × 5 it would not.
    const sizes = ['--requests', SCREENSHOT === undefined ? '10' : '20'];
    const run = main(['--dashboard', '--report', reportFile, '--seed', '7', ...sizes], io);
    // Ctrl-C whatever happens: a demo left running keeps its metrics subscribed to the client's
    // channels for every later test file of this worker.
    try {
      const url = await listening;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

      const live = await watch(browser);
      try {
        await live.page.goto(url);
        await live.page.waitForSelector('#live.live');
        expect(await live.page.locator('#run-status').textContent()).toBe('running');

        // The live counters advance while the demo runs (about 4 updates a second).
        const first = await until(
          () => requestsShown(live.page),
          (n) => n > 0,
        );
        const later = await until(
          () => requestsShown(live.page),
          (n) => n > first,
        );
        expect(later).toBeGreaterThan(first);

        // During the gateway's outage the breaker timeline shows open intervals inside the outage window.
        const overlapping = await until(
          () => openDuringOutage(live.page),
          (n) => n > 0,
          480,
        );
        expect(overlapping).toBeGreaterThan(0);

        // The run ends; the page shows the finished report and stays up.
        await until(
          async () => err.text(),
          (text) => text.includes('stays up'),
          480,
        );
        await until(
          () => live.page.locator('#run-status').textContent(),
          (text) => text === '',
        );
        expect(await live.page.locator('[data-phase]').count()).toBe(3);
        const charts = await inkPerChart(live.page);
        expect(charts.filter((c) => c.kind === 'breakers').length).toBeGreaterThan(0);
        expectInk(charts);
        expect(await openDuringOutage(live.page)).toBeGreaterThan(0);
        expect(live.problems, live.problems.join('\n')).toEqual([]);
        const origin = new URL(url).origin;
        for (const request of live.requests) expect(request.startsWith(`${origin}/`), request).toBe(true);
      } finally {
        await live.page.close();
      }
    } finally {
      signals.emit('SIGINT');
      await run.catch(() => {});
    }
    // The guarantees are on stdout: a failing one names itself in the message.
    expect(await run, `${out.text()}\n${err.text()}`).toBe(0);
    expect(out.text()).toMatch(/^Guarantees$/m);
    expect(out.text()).not.toMatch(/FAIL/);

    // The written report: the same page, one file, no request beyond itself.
    const file = await watch(browser);
    try {
      await file.page.goto(pathToFileURL(reportFile).href);
      await file.page.waitForSelector('body[data-rendered="1"]');
      expect(file.problems, file.problems.join('\n')).toEqual([]);
      expect(file.requests).toEqual([pathToFileURL(reportFile).href]);
      expect(await file.page.locator('[data-phase]').count()).toBe(3);
      expect(await file.page.locator('.guarantees .fail').count()).toBe(0);
      expect(await file.page.locator('.guarantees tr').count()).toBe(12);
      const charts = await inkPerChart(file.page);
      expect(charts.length).toBeGreaterThanOrEqual(12);
      expectInk(charts);
      expect(await openDuringOutage(file.page)).toBeGreaterThan(0);
      if (SCREENSHOT !== undefined) {
        await file.page.locator('[data-phase="API gateway"]').screenshot({ path: join(DEMO_DIR, SCREENSHOT) });
      }
    } finally {
      await file.page.close();
    }
  }, 240_000);
});
