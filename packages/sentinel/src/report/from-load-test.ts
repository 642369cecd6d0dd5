import type { LoadTestReport } from '@sentinel/workers';
import { type BreakerTransition, breakerTrack } from './breaker-track.ts';
import type { BreakerInterval, MarkedWindow, ReportEvent, ReportPhase, TimelinePoint } from './document.ts';

/** Options of {@link phaseFromLoadTestReport}. */
export interface LoadTestPhaseOptions {
  /** @default 'Load test' */
  readonly name?: string;
  readonly description?: string;
  /** Stretches to shade (an outage you caused), in s since the run began. */
  readonly windows?: readonly MarkedWindow[];
  /** More moments to mark; the first breaker opening and the last closing are added by themselves. */
  readonly events?: readonly ReportEvent[];
}

const STATES: readonly string[] = ['open', 'half-open', 'closed'];

/**
 * The timeline as rates. Entry `second` covers [second, second + 1) and is plotted at its end.
 * The run's last second is usually cut short: its counts are scaled to a full second when it
 * covers at least a quarter of one, and it is left out of the chart (not the totals) otherwise —
 * 8 requests in the last 30 ms are not a throughput of 8 per second.
 */
function perSecond(report: LoadTestReport): TimelinePoint[] {
  const elapsed = report.elapsedMs / 1000;
  const points: TimelinePoint[] = [];
  for (const entry of report.timeline) {
    const covered = Math.min(1, elapsed - entry.second);
    if (covered < 0.25) continue;
    const scale = (n: number) => (covered >= 1 ? n : Math.round((n / covered) * 10) / 10);
    points.push({
      t: entry.second + covered,
      requests: scale(entry.requests),
      ok: scale(entry.ok),
      failed: scale(entry.failed),
      retries: scale(entry.retries),
      ...(entry.p99 === null ? {} : { p99: entry.p99 }),
    });
  }
  return points;
}

/**
 * One report phase from a `@sentinel/workers` `LoadTestReport`: its totals, its per-second
 * timeline, its HDR percentile curve, and one breaker track per worker and origin that changed
 * state (workers whose breakers stayed closed get no row).
 */
export function phaseFromLoadTestReport(report: LoadTestReport, options: LoadTestPhaseOptions = {}): ReportPhase {
  const endT = Math.max(report.elapsedMs / 1000, report.timeline.length);
  // One track per worker (and origin, when the run touched several), in worker order.
  const origins = new Set(report.breakerTransitions.map((c) => c.origin));
  const sorted = [...report.breakerTransitions].sort((a, b) => a.workerIndex - b.workerIndex);
  const byTrack = new Map<string, BreakerTransition[]>();
  for (const change of sorted) {
    if (!STATES.includes(change.to)) continue;
    const name = origins.size <= 1 ? `worker ${change.workerIndex}` : `worker ${change.workerIndex} · ${change.origin}`;
    const list = byTrack.get(name) ?? [];
    byTrack.set(name, list);
    list.push({ t: change.atMs / 1000, to: change.to as BreakerInterval['state'] });
  }
  const events: ReportEvent[] = [...(options.events ?? [])];
  const opens = report.breakerTransitions.filter((c) => c.to === 'open');
  const closes = report.breakerTransitions.filter((c) => c.to === 'closed');
  if (opens.length > 0) events.push({ t: (opens[0]?.atMs ?? 0) / 1000, label: 'first breaker opens' });
  if (closes.length > 0) events.push({ t: (closes.at(-1)?.atMs ?? 0) / 1000, label: 'last breaker closes' });
  return {
    name: options.name ?? 'Load test',
    ...(options.description === undefined ? {} : { description: options.description }),
    summary: {
      requests: report.requests,
      succeeded: report.succeeded,
      failed: report.failed,
      successRate: report.successRate,
      throughput: report.throughput,
      elapsedMs: report.elapsedMs,
      attempts: report.attempts,
      retries: report.retries,
      statuses: report.statuses,
      errors: report.errors,
      latencyMs: report.latencyMs,
    },
    timeline: perSecond(report),
    latencyCurve: report.latencyDistribution,
    breakers: [...byTrack].map(([name, changes]) => breakerTrack(name, changes, endT)),
    windows: options.windows ?? [],
    events,
  };
}
