import { optionChecker } from '@sentinel/core';
import type { ReportDocument } from './document.ts';

const check = optionChecker('renderReportHtml');

type Json = Record<string, unknown>;

function object(path: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) check.fail(path, value, 'an object');
  return value as Json;
}

function list(path: string, value: unknown, optional: boolean): readonly unknown[] {
  if (value === undefined && optional) return [];
  if (!Array.isArray(value)) return check.fail(path, value, 'an array');
  return value;
}

function text(path: string, value: unknown, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'string') check.fail(path, value, 'a string');
}

// JSON turns NaN and Infinity into null, so the page would draw holes: only finite numbers pass.
function numbers(path: string, value: Json, keys: readonly string[], optional: readonly string[] = []): void {
  for (const key of keys) {
    if (value[key] === undefined && optional.includes(key)) continue;
    check.number(`${path}.${key}`, value[key]);
  }
}

function counts(path: string, value: unknown): void {
  if (value === undefined) return;
  const table = object(path, value);
  for (const [key, count] of Object.entries(table)) check.number(`${path}.${key}`, count, { min: 0 });
}

const LATENCY = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'];
const STATES = ['open', 'half-open', 'closed'] as const;

function validatePhase(path: string, value: unknown): void {
  const phase = object(path, value);
  text(`${path}.name`, phase.name);
  text(`${path}.description`, phase.description, true);
  const summary = object(`${path}.summary`, phase.summary);
  numbers(
    `${path}.summary`,
    summary,
    ['requests', 'succeeded', 'failed', 'successRate', 'throughput', 'elapsedMs', 'attempts', 'retries'],
    ['attempts', 'retries'],
  );
  numbers(`${path}.summary.latencyMs`, object(`${path}.summary.latencyMs`, summary.latencyMs), LATENCY);
  counts(`${path}.summary.statuses`, summary.statuses);
  counts(`${path}.summary.errors`, summary.errors);
  list(`${path}.timeline`, phase.timeline, true).forEach((point, i) => {
    numbers(
      `${path}.timeline[${i}]`,
      object(`${path}.timeline[${i}]`, point),
      ['t', 'requests', 'ok', 'failed', 'retries', 'p99'],
      ['retries', 'p99'],
    );
  });
  list(`${path}.latencyCurve`, phase.latencyCurve, true).forEach((point, i) => {
    const p = object(`${path}.latencyCurve[${i}]`, point);
    check.number(`${path}.latencyCurve[${i}].percentile`, p.percentile, { min: 0, max: 100 });
    check.number(`${path}.latencyCurve[${i}].ms`, p.ms, { min: 0 });
  });
  list(`${path}.breakers`, phase.breakers, true).forEach((track, i) => {
    const t = object(`${path}.breakers[${i}]`, track);
    text(`${path}.breakers[${i}].name`, t.name);
    list(`${path}.breakers[${i}].intervals`, t.intervals, false).forEach((interval, j) => {
      const where = `${path}.breakers[${i}].intervals[${j}]`;
      const iv = object(where, interval);
      numbers(where, iv, ['from', 'to']);
      check.oneOf(`${where}.state`, iv.state, STATES);
    });
  });
  list(`${path}.windows`, phase.windows, true).forEach((window, i) => {
    const w = object(`${path}.windows[${i}]`, window);
    text(`${path}.windows[${i}].label`, w.label);
    numbers(`${path}.windows[${i}]`, w, ['from', 'to']);
  });
  list(`${path}.events`, phase.events, true).forEach((event, i) => {
    const e = object(`${path}.events[${i}]`, event);
    text(`${path}.events[${i}].label`, e.label);
    numbers(`${path}.events[${i}]`, e, ['t']);
  });
  list(`${path}.series`, phase.series, true).forEach((series, i) => {
    const s = object(`${path}.series[${i}]`, series);
    text(`${path}.series[${i}].name`, s.name);
    text(`${path}.series[${i}].unit`, s.unit);
    list(`${path}.series[${i}].points`, s.points, false).forEach((point, j) => {
      const where = `${path}.series[${i}].points[${j}]`;
      if (!Array.isArray(point) || point.length !== 2) check.fail(where, point, 'a [t, value] pair');
      check.number(`${where}[0]`, (point as unknown[])[0]);
      check.number(`${where}[1]`, (point as unknown[])[1]);
    });
  });
}

/**
 * Checks that `value` is a {@link ReportDocument} the page can draw: every field of the right
 * type, every number finite. Returns it unchanged; throws a `ConfigError` naming the first bad
 * field by its path (`phases[0].summary.latencyMs.p99`).
 */
export function validateReportDocument(value: unknown): ReportDocument {
  const doc = object('document', value);
  text('title', doc.title);
  text('subtitle', doc.subtitle, true);
  text('generatedAt', doc.generatedAt, true);
  if (doc.status !== undefined) check.oneOf('status', doc.status, ['running', 'finished', 'interrupted']);
  list('phases', doc.phases, false).forEach((phase, i) => {
    validatePhase(`phases[${i}]`, phase);
  });
  list('guarantees', doc.guarantees, true).forEach((guarantee, i) => {
    const g = object(`guarantees[${i}]`, guarantee);
    text(`guarantees[${i}].name`, g.name);
    check.boolean(`guarantees[${i}].ok`, g.ok);
    text(`guarantees[${i}].detail`, g.detail, true);
  });
  return value as ReportDocument;
}
