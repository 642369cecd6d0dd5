import type { LatencySummary } from '../latency/latency-histogram.ts';
import type { LoadTestReport } from './report.ts';

const TIMELINE_ROWS = 30;

function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function ms(n: number | null): string {
  if (n === null) return '-';
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function latencyRow(name: string, s: LatencySummary): string[] {
  return [name, ms(s.p50), ms(s.p90), ms(s.p99), ms(s.p999), ms(s.max), ms(s.mean)];
}

function counts(table: Readonly<Record<string, number>>): string {
  const entries = Object.entries(table).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} × ${int(n)}`).join(', ');
}

/**
 * The report as a plain-text table for a terminal or a log: totals, latency percentiles, status
 * and error counts, breaker transitions, the spread over workers, and the per-second timeline
 * (up to 30 seconds; longer runs are summarised). No colour: the caller decides.
 */
export function formatReport(report: LoadTestReport): string {
  const out: string[] = [];
  const model = report.model === 'open' ? `open model at ${int(report.rate ?? 0)} req/s` : 'closed model';
  out.push(
    `${int(report.requests)} requests in ${(report.elapsedMs / 1000).toFixed(2)} s — ${int(report.throughput)} req/s, ` +
      `${report.workers} workers, ${model}${report.url === undefined ? '' : `, GET ${report.url}`}${report.aborted ? ' (aborted)' : ''}`,
  );
  out.push(
    `succeeded ${int(report.succeeded)} (${(report.successRate * 100).toFixed(2)} %), failed ${int(report.failed)}, ` +
      `attempts ${int(report.attempts)} (${int(report.retries)} retries)`,
  );
  out.push('');
  const rows = [latencyRow(report.model === 'open' ? 'latency (from schedule)' : 'latency', report.latencyMs)];
  if (report.serviceTimeMs !== undefined) rows.push(latencyRow('service time', report.serviceTimeMs));
  out.push(...table(['ms', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'], rows));
  out.push('');
  out.push(`statuses: ${counts(report.statuses)}`);
  out.push(`errors:   ${counts(report.errors)}`);
  if (report.breakerTransitions.length > 0) {
    out.push('');
    out.push(`breaker transitions (${report.breakerTransitions.length}):`);
    for (const t of report.breakerTransitions.slice(0, 20)) {
      out.push(`  ${(t.atMs / 1000).toFixed(3)} s  worker ${t.workerIndex}  ${t.origin}  ${t.from} → ${t.to}`);
    }
    if (report.breakerTransitions.length > 20) out.push(`  … ${report.breakerTransitions.length - 20} more`);
  }
  if (report.perWorker.length > 0) {
    const byRequests = report.perWorker.map((w) => w.requests).sort((a, b) => a - b);
    const byP99 = [...report.perWorker].sort((a, b) => b.latencyMs.p99 - a.latencyMs.p99)[0];
    out.push('');
    out.push(
      `per worker: requests min ${int(byRequests[0] ?? 0)} / median ${int(byRequests[byRequests.length >> 1] ?? 0)} / ` +
        `max ${int(byRequests.at(-1) ?? 0)}; slowest p99 ${ms(byP99?.latencyMs.p99 ?? 0)} ms (worker ${byP99?.index})`,
    );
  }
  if (report.timeline.length > 0) {
    out.push('');
    if (report.timeline.length <= TIMELINE_ROWS) {
      out.push(
        ...table(
          ['second', 'requests', 'ok', 'failed', 'retries', 'p50 ms', 'p99 ms'],
          report.timeline.map((t) => [
            String(t.second),
            int(t.requests),
            int(t.ok),
            int(t.failed),
            int(t.retries),
            ms(t.p50),
            ms(t.p99),
          ]),
        ),
      );
    } else {
      const busiest = report.timeline.reduce((a, b) => (b.requests > a.requests ? b : a));
      const idle = report.timeline.filter((t) => t.requests === 0).length;
      out.push(
        `timeline: ${report.timeline.length} seconds (see the JSON report); busiest second ${busiest.second} with ` +
          `${int(busiest.requests)} requests; ${idle} seconds with no completed request`,
      );
    }
  }
  return out.join('\n');
}
