import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Clock } from '@sentinel/core';
import { renderReportHtml, validateReportDocument } from 'http-sentinel/report';
import { afterAll, describe, expect, it } from 'vitest';
import { leakCheck, resourcesNow } from './leaks.ts';
import { demoDocument } from './report-document.ts';
import { type DemoResult, type DemoUpdate, runDemo } from './run-demo.ts';
import { SMALL } from './test-support/small.ts';

const folder = mkdtempSync(join(tmpdir(), 'sentinel-demo-run-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('runDemo', () => {
  it('runs the three phases in order, keeps every guarantee and leaves no socket or timer', async () => {
    const updates: DemoUpdate[] = [];
    let live: DemoResult | undefined;
    const run = await runDemo({
      ...SMALL,
      outDir: folder,
      onUpdate: (update) => {
        updates.push(update);
        if (live === undefined && update.progress?.name === 'gateway') live = update.snapshot();
      },
    });
    expect(run.status).toBe('finished');
    const broken = run.guarantees.filter((g) => !g.ok || !g.checked).map((g) => `${g.name}: ${g.detail}`);
    expect(broken, broken.join('\n')).toEqual([]);
    expect(run.ok).toBe(true);
    expect(run.phases.map((p) => p.name)).toEqual(['scraper', 'gateway', 'load']);
    expect(run.guarantees.at(-1)?.name).toBe('no socket or timer left');
    expect(run.guarantees).toHaveLength(3 + 6 + 2 + 1);
    expect(run.ndjson).toBe(join(folder, 'scraper.ndjson'));
    expect(readFileSync(join(folder, 'scraper.ndjson'), 'utf8').trimEnd().split('\n')).toHaveLength(200);

    // The JSON (what --json prints) carries each server's own counts beside the clients' attempts.
    const json = JSON.parse(JSON.stringify(run)) as typeof run;
    expect(json).toEqual(run);
    for (const phase of json.phases) {
      const received = Object.values(phase.servers ?? {}).reduce((n, s) => n + s.requests, 0);
      expect(phase.report.attempts, phase.name).toBe(received);
    }

    // Live updates: counters while each phase ran, each phase reported once it ended.
    expect(new Set(updates.flatMap((u) => (u.progress === undefined ? [] : [u.progress.name])))).toEqual(
      new Set(['scraper', 'gateway', 'load']),
    );
    expect(updates.at(-1)?.finished.map((p) => p.name)).toEqual(['scraper', 'gateway', 'load']);
    expect(live?.status).toBe('running');
    expect(live?.phases.map((p) => [p.name, p.status])).toEqual([
      ['scraper', 'finished'],
      ['gateway', 'running'],
    ]);

    // The report document: what the page draws, valid and complete.
    const document = validateReportDocument(demoDocument(run, new Date(0)));
    expect(document.phases.map((p) => p.name)).toEqual(['Web scraper', 'API gateway', 'Load test']);
    const gateway = document.phases[1];
    expect(gateway?.windows?.map((w) => w.label)).toEqual(['payments outage', '429 burst (catalog)']);
    expect(gateway?.breakers?.some((b) => b.intervals.some((i) => i.state === 'open'))).toBe(true);
    expect(gateway?.series?.map((s) => s.name)).toEqual([
      'limiter tokens',
      'jobs queued for a worker',
      'requests waiting for the limiter',
    ]);
    document.phases.forEach((phase, i) => {
      // A phase over in less than a quarter second has no per-second point worth drawing.
      if ((run.phases[i]?.report.elapsedMs ?? 0) >= 250) expect(phase.timeline?.length, phase.name).toBeGreaterThan(0);
      expect(phase.latencyCurve?.length, phase.name).toBeGreaterThan(2);
    });
    expect(document.phases[1]?.timeline?.length).toBeGreaterThan(4); // the gateway runs for seconds
    expect(document.guarantees).toHaveLength(run.guarantees.length);
    const html = renderReportHtml(document);
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.trimEnd()).toMatch(/<\/html>$/);
  }, 120_000);

  it('stops at Ctrl-C: the phase running reports what it has, the later ones never start', async () => {
    const controller = new AbortController();
    // 2,000 pages at 1,000 a second: the scraper cannot finish before its first progress tick
    // (every 250 ms), whatever the machine's speed, so the abort always lands mid-phase.
    const urls = 2_000;
    const run = await runDemo({
      ...SMALL,
      scraper: { ...SMALL.scraper, urls, pagesPerSecond: 1_000 },
      outDir: folder,
      signal: controller.signal,
      onUpdate: ({ progress }) => {
        if (progress?.name === 'scraper' && progress.done >= 50) controller.abort(new Error('Ctrl-C'));
      },
    });
    expect(run.status).toBe('interrupted');
    expect(run.phases.map((p) => [p.name, p.status])).toEqual([['scraper', 'interrupted']]);
    const scraper = run.phases[0];
    expect(scraper?.report.requests).toBeLessThan(urls);
    // Every page that ended got its line, and nothing was sent that was not counted.
    expect(scraper?.checks.filter((c) => !c.ok)).toEqual([]);
    expect(run.guarantees.at(-1)).toMatchObject({ name: 'no socket or timer left', ok: true });
  }, 60_000);
});

describe('leakCheck', () => {
  // A clock whose waits last one event-loop turn: sockets can finish closing, no time is spent.
  const instant: Clock = { now: () => 0, sleep: () => nextTurn() };

  it('fails, naming the counts, when a socket is still open after the run', async () => {
    const before = resourcesNow(() => 0);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const check = await leakCheck(before, () => 0, instant);
      expect(check.ok).toBe(false);
      expect(check.detail).toMatch(new RegExp(`sockets ${before.sockets} before, ${before.sockets + 1} after`));
      // Sockets someone holds on purpose (the dashboard's) are not counted.
      const foreign = await leakCheck(before, () => 1, instant);
      expect(foreign.ok, foreign.detail).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    expect((await leakCheck(before, () => 0, instant)).ok).toBe(true);
  });
});
