import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { ChaosStats } from '@sentinel/chaos';
import { createWorkerPool, type LoadTestReport } from '@sentinel/workers';
import { errorKeyOf } from '../record/phase-recorder.ts';
import {
  attemptsCheck,
  type Check,
  countsOf,
  faultsText,
  int,
  type PhaseContext,
  type PhaseResult,
  percent,
  ticker,
} from './phase.ts';
import { phaseWorkers } from './phase-workers.ts';
import { startUpstreams, statsOf } from './upstream.ts';
import { RIDE_OUT_FAULTS } from './worker-client.ts';

/** Options of {@link runScraper}. */
export interface ScraperOptions {
  /** @default 8 */
  readonly workers: number;
  /** Pages to fetch. @default 3_000 */
  readonly urls: number;
  /** The shared limit owed to the site, pages per second. @default 1_000 */
  readonly pagesPerSecond: number;
  /** Where the NDJSON results go (one line per page). */
  readonly outFile: string;
}

/** What the scraper phase adds to its report. */
export interface ScraperFacts {
  readonly urls: number;
  readonly pagesPerSecond: number;
  /** Pages whose first attempt failed and a retry rescued. */
  readonly rescuedByRetry: number;
  /** Pages that would have failed without retries: rescued plus failed. */
  readonly failedFirstTime: number;
  readonly ndjson: { readonly path: string; readonly lines: number };
}

/** One NDJSON line: what the scraper got for a page. */
interface PageLine {
  readonly url: string;
  readonly status?: number;
  readonly bytes?: number;
  readonly ms: number;
  readonly attempts?: number;
  readonly error?: string;
}

/** The pages to fetch, made one at a time as the pool asks for them (a million would cost nothing more). */
function* pages(origin: string, count: number): Generator<string> {
  for (let i = 0; i < count; i++) yield `${origin}/pages/${i}`;
}

/**
 * The seed's web scraper: `pool.map` of 8 client-per-worker workers over a lazy generator of
 * URLs, each page's result written as one NDJSON line as it arrives (respecting the file's
 * backpressure), against a site with transient faults. Reports pages per second and what the
 * retries rescued.
 */
export async function runScraper(ctx: PhaseContext, options: ScraperOptions): Promise<PhaseResult<ScraperFacts>> {
  const { clock } = ctx;
  const [site] = await startUpstreams(['site'], ctx);
  if (site === undefined) throw new Error('no upstream');
  const { startMs, log, instrument, bucket, recorder, setup } = phaseWorkers(ctx, {
    phase: 'scraper',
    workers: options.workers,
    names: new Map([[site.origin, 'site']]),
    limit: { capacity: 50, refillPerSecond: options.pagesPerSecond },
    client: {
      ...RIDE_OUT_FAULTS,
      timeouts: { connectMs: 1_000, headersMs: 2_000, bodyIdleMs: 2_000, totalMs: 10_000 },
      connections: 2,
    },
  });
  const pool = await createWorkerPool({ workers: options.workers, clock, setup });
  instrument(pool, 'pool');
  const tokens: [number, number][] = [];
  const out = createWriteStream(options.outFile);
  let lines = 0;
  let rescued = 0;
  let failedFirst = 0;
  let status: PhaseResult['status'] = 'running';

  const result = (): PhaseResult<ScraperFacts> => {
    const now = clock.now();
    const report = recorder.report(now, log.changes, status === 'interrupted');
    const servers = statsOf([site]);
    return {
      name: 'scraper',
      title: 'Web scraper',
      description:
        `${options.workers} workers fetch ${int(options.urls)} pages from a lazy generator (pool.map), ` +
        `${faultsText(ctx)}, a shared limit of ` +
        `${int(options.pagesPerSecond)} pages/s; results as NDJSON.`,
      status,
      report,
      breakerStates: log.states(),
      windows: [],
      events: [],
      series: [{ name: 'limiter tokens', unit: 'tokens', points: [...tokens] }],
      servers: countsOf(servers),
      upstreams: { site: site.origin },
      facts: {
        urls: options.urls,
        pagesPerSecond: report.throughput,
        rescuedByRetry: rescued,
        failedFirstTime: failedFirst,
        ndjson: { path: options.outFile, lines },
      },
      checks: scraperChecks(report, servers, lines),
    };
  };

  const ticks = ticker(clock, () => {
    const now = clock.now();
    recorder.sample(now);
    tokens.push([(now - startMs) / 1_000, Math.round(bucket.status().tokens * 10) / 10]);
    ctx.onTick(
      {
        name: 'scraper',
        elapsedMs: now - startMs,
        done: recorder.requests,
        total: options.urls,
        failed: recorder.failed,
        retries: recorder.retries,
      },
      result,
    );
  });
  try {
    for await (const page of pool.map(
      pages(site.origin, options.urls),
      async (url, worker, task) => {
        const response = await worker.client.get(url, { signal: task.signal });
        const body = await response.bytes();
        return { status: response.status, bytes: body.byteLength, attempts: response.attempts };
      },
      { signal: ctx.signal },
    )) {
      const ms = Math.round(page.ms * 1_000) / 1_000;
      const outcome = page.ok ? page.value : page.error;
      recorder.record(page.workerIndex, page.ok, outcome, page.ms, clock.now());
      const attempts = page.ok ? page.value.attempts : (page.error as { attempts?: number }).attempts;
      if (page.ok && page.value.attempts > 1) rescued++;
      if (!page.ok || page.value.attempts > 1) failedFirst++;
      const line: PageLine = page.ok
        ? { url: page.item, ...page.value, ms }
        : {
            url: page.item,
            ...(attempts === undefined ? {} : { attempts }),
            ms,
            error: errorKeyOf(page.error),
          };
      lines++;
      if (!out.write(`${JSON.stringify(line)}\n`)) await once(out, 'drain');
    }
    status = 'finished';
  } catch (error) {
    if (!ctx.signal.aborted) throw error;
    status = 'interrupted';
  } finally {
    out.end();
    await once(out, 'close');
    await pool.close();
    await ticks.stop();
    await site.close();
  }
  return result();
}

function scraperChecks(
  report: LoadTestReport,
  servers: { readonly [name: string]: ChaosStats } | null,
  lines: number,
): Check[] {
  const checks: Check[] = [
    {
      name: 'scraper: every page got exactly one NDJSON line',
      ok: lines === report.requests,
      checked: true,
      detail: `${int(lines)} lines for ${int(report.requests)} pages`,
    },
    {
      name: 'scraper: retryable success ≥ 99.9 % (every page is a GET)',
      ok: report.successRate >= 0.999,
      checked: true,
      detail: `${percent(report.successRate)} of ${int(report.requests)}`,
    },
  ];
  checks.push(attemptsCheck('scraper', report.attempts, servers, report.aborted));
  return checks;
}
