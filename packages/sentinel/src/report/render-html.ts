import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { optionChecker } from '@sentinel/core';
import type { ReportDocument } from './document.ts';
import { PAGE_SCRIPT } from './page-script.ts';
import { PAGE_STYLE } from './page-style.ts';
import { validateReportDocument } from './validate.ts';

/** Options of {@link renderReportHtml}. */
export interface RenderReportOptions {
  /**
   * A Server-Sent Events URL (absolute, or relative to the page): the page redraws from every
   * `message` event, whose `data` is a whole {@link ReportDocument} as JSON. Leave it out for a
   * static report file.
   * @default undefined (static)
   */
  readonly liveUrl?: string;
}

const check = optionChecker('renderReportHtml');

interface Assets {
  readonly script: string;
  readonly style: string;
}
let assets: Assets | undefined;

/** uPlot's minified browser build and stylesheet, read once from the installed package. */
function chartLibrary(): Assets {
  if (assets === undefined) {
    // `__filename` in the CJS build, `import.meta.url` in the ESM build and under vitest.
    const require = createRequire(typeof __filename === 'string' ? __filename : import.meta.url);
    const folder = join(dirname(require.resolve('uplot/package.json')), 'dist');
    assets = {
      script: readFileSync(join(folder, 'uPlot.iife.min.js'), 'utf8'),
      style: readFileSync(join(folder, 'uPlot.min.css'), 'utf8'),
    };
  }
  return assets;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that cannot end the `<script>` element it sits in, nor start a comment there. */
const scriptSafeJson = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/** A `</script>` inside inlined code would end the element early; `<\/script>` means the same to JS. */
const scriptSafeCode = (code: string): string => code.replace(/<\/script/gi, '<\\/script');

/**
 * Renders a {@link ReportDocument} as ONE self-contained HTML page: the chart library (uPlot),
 * the styles, the drawing script and the document itself are inlined, so the file opens offline
 * and makes no request. Per phase it shows the totals, the latency percentiles, statuses and
 * errors, throughput / errors and retries / p99 over time, the latency distribution curve, any
 * extra series, and the breaker timeline, with marked windows shaded and events drawn as lines;
 * then the guarantees table.
 *
 * @throws ConfigError when `document` is not a valid report document (the message names the field).
 */
export function renderReportHtml(document: ReportDocument, options: RenderReportOptions = {}): string {
  validateReportDocument(document);
  const opts = check.options(options, ['liveUrl']);
  if (opts.liveUrl !== undefined && (typeof opts.liveUrl !== 'string' || opts.liveUrl === '')) {
    check.fail('liveUrl', opts.liveUrl, 'a URL string');
  }
  const { script, style } = chartLibrary();
  const live = opts.liveUrl === undefined ? '' : ` data-live-url="${escapeHtml(opts.liveUrl)}"`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="http-sentinel">
<title>${escapeHtml(document.title)}</title>
<style>${style}</style>
<style>${PAGE_STYLE}</style>
</head>
<body${live}>
<header>
<h1 id="title">${escapeHtml(document.title)}</h1>
<p><span id="subtitle"></span> <span id="run-status" class="badge"></span> <span id="live" class="badge" hidden></span></p>
</header>
<noscript><p>This report draws its tables and charts with JavaScript; the data is in the page source as JSON.</p></noscript>
<main id="phases"></main>
<section id="guarantees"></section>
<footer><span id="generated"></span>Drawn by http-sentinel with uPlot; times are seconds since each phase started, latencies in milliseconds.</footer>
<script type="application/json" id="sentinel-report-data">${scriptSafeJson(document)}</script>
<script>${scriptSafeCode(script)}</script>
<script>${scriptSafeCode(PAGE_SCRIPT)}</script>
</body>
</html>
`;
}
