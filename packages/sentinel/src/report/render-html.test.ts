import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { sampleReport } from '../test-support/sample-report.ts';
import { breakerTrack } from './breaker-track.ts';
import type { ReportDocument } from './document.ts';
import { renderReportHtml } from './render-html.ts';
import { validateReportDocument } from './validate.ts';

function configOption(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (isConfigError(error)) return error.option;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('renderReportHtml', () => {
  const html = renderReportHtml(sampleReport());

  it('is one self-contained page: no external script, stylesheet, image or font', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|img|iframe)[^>]+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    expect(html).toContain('uPlot'); // the chart library is inlined
    expect(html.length).toBeGreaterThan(50_000);
  });

  it('embeds the document as JSON that cannot close its script element', () => {
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('<title>HTTP Sentinel — sample report &#60;script&#62;alert(1)&#60;/script&#62;</title>');
    const json = /<script type="application\/json" id="sentinel-report-data">(.*?)<\/script>/s.exec(html)?.[1];
    expect(JSON.parse(json as string)).toEqual(sampleReport());
  });

  it('the page script parses as JavaScript', () => {
    const scripts = [...html.matchAll(/<script>(.*?)<\/script>/gs)].map((m) => m[1] as string);
    expect(scripts).toHaveLength(2);
    for (const code of scripts) expect(() => new Function(code)).not.toThrow();
  });

  it('a live page carries its event URL, escaped; a static one has none', () => {
    expect(html).toContain('\n<body>\n');
    expect(renderReportHtml(sampleReport(), { liveUrl: '/events?a=1&b="2"' })).toContain(
      '<body data-live-url="/events?a=1&#38;b=&#34;2&#34;">',
    );
    expect(configOption(() => renderReportHtml(sampleReport(), { liveUrl: '' }))).toBe('liveUrl');
    expect(configOption(() => renderReportHtml(sampleReport(), { live: true } as never))).toBe('live');
  });

  it('renders a document with no phases (a dashboard before the first result)', () => {
    expect(renderReportHtml({ title: 'starting', phases: [], status: 'running' })).toContain('<title>starting</title>');
  });
});

describe('validateReportDocument', () => {
  const phase = sampleReport().phases[0] as NonNullable<ReportDocument['phases'][0]>;
  it.each([
    [{ phases: [] }, 'title'],
    [{ title: 'x' }, 'phases'],
    [
      { title: 'x', phases: [{ ...phase, summary: { ...phase.summary, requests: '7' } }] },
      'phases[0].summary.requests',
    ],
    [
      {
        title: 'x',
        phases: [
          { ...phase, summary: { ...phase.summary, latencyMs: { ...phase.summary.latencyMs, p99: Number.NaN } } },
        ],
      },
      'phases[0].summary.latencyMs.p99',
    ],
    [{ title: 'x', phases: [{ ...phase, timeline: [{ t: 1, requests: 1, ok: 1 }] }] }, 'phases[0].timeline[0].failed'],
    [
      {
        title: 'x',
        phases: [{ ...phase, breakers: [{ name: 'w', intervals: [{ from: 0, to: 1, state: 'tripped' }] }] }],
      },
      'phases[0].breakers[0].intervals[0].state',
    ],
    [
      { title: 'x', phases: [{ ...phase, series: [{ name: 's', unit: 'u', points: [[1]] }] }] },
      'phases[0].series[0].points[0]',
    ],
    [
      { title: 'x', phases: [{ ...phase, latencyCurve: [{ percentile: 101, ms: 1 }] }] },
      'phases[0].latencyCurve[0].percentile',
    ],
    [{ title: 'x', phases: [], guarantees: [{ name: 'g', ok: 'yes' }] }, 'guarantees[0].ok'],
    [{ title: 'x', phases: [], status: 'paused' }, 'status'],
    [
      { title: 'x', phases: [{ ...phase, summary: { ...phase.summary, statuses: { '200': -1 } } }] },
      'phases[0].summary.statuses.200',
    ],
  ])('%# names the bad field %s', (doc, option) => {
    expect(configOption(() => validateReportDocument(doc))).toBe(option);
  });

  it('accepts the sample and returns it as it is', () => {
    const doc = sampleReport();
    expect(validateReportDocument(doc)).toBe(doc);
  });
});

describe('breakerTrack', () => {
  it('turns state changes into intervals, closed before the first and the last state until the end', () => {
    expect(
      breakerTrack(
        'w',
        [
          { t: 5, to: 'half-open' },
          { t: 2, to: 'open' },
          { t: 6, to: 'closed' },
        ],
        10,
      ).intervals,
    ).toEqual([
      { from: 0, to: 2, state: 'closed' },
      { from: 2, to: 5, state: 'open' },
      { from: 5, to: 6, state: 'half-open' },
      { from: 6, to: 10, state: 'closed' },
    ]);
  });

  it('a breaker still open at the end stays open until the end; changes after the end are cut', () => {
    expect(
      breakerTrack(
        'w',
        [
          { t: 3, to: 'open' },
          { t: 12, to: 'closed' },
        ],
        10,
      ).intervals,
    ).toEqual([
      { from: 0, to: 3, state: 'closed' },
      { from: 3, to: 10, state: 'open' },
    ]);
  });

  it('no change: closed throughout; a change at 0 starts in that state', () => {
    expect(breakerTrack('w', [], 4).intervals).toEqual([{ from: 0, to: 4, state: 'closed' }]);
    expect(breakerTrack('w', [{ t: 0, to: 'open' }], 4).intervals).toEqual([{ from: 0, to: 4, state: 'open' }]);
  });
});
