import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Debian's chromium: the only browser the tests use (nothing is ever downloaded). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Why the browser tests cannot run here, or `undefined` when they can. Outside CI a missing
 * browser skips them with this reason printed; under `CI=true` they fail instead.
 */
export function browserUnavailable(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const reason = `no browser at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') throw new Error(`browser tests need chromium under CI: ${reason}`);
  console.warn(`skipping the browser tests: ${reason}`);
  return reason;
}

/** Headless chromium with the flags that keep it off the network (no updates, no sync, no probes). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

// The DOM as far as inkPerChart uses it (the repo's tsconfig has no DOM lib).
interface Canvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface ChartBox {
  readonly dataset: { chart?: string };
  querySelector(selector: 'canvas'): Canvas | null;
  querySelectorAll(selector: string): { length: number };
}
declare const document: { querySelectorAll(selector: string): Iterable<ChartBox> };

/** Per chart: its kind and how many saturated (series-coloured) pixels or state rectangles it drew. */
export function inkPerChart(page: Page) {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll('[data-chart]')).map((box) => {
      const kind = box.dataset.chart ?? '';
      const canvas = box.querySelector('canvas');
      if (canvas === null) {
        return { kind, ink: box.querySelectorAll('rect[data-state="open"], rect[data-state="half-open"]').length };
      }
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let ink = 0;
      // Axes, grid and window shading are greys or pale tints; series strokes are saturated colours.
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i] as number;
        const g = data[i + 1] as number;
        const b = data[i + 2] as number;
        if ((data[i + 3] as number) > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) ink++;
      }
      return { kind, ink };
    }),
  );
}

/** A page and what it did: console errors or warnings, page errors, and every URL it requested. */
export interface Watched {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

/** A new 1280 × 900 page that records its problems and requests as it goes. */
export async function watch(browser: Browser): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('request', (request) => requests.push(request.url()));
  return { page, problems, requests };
}
