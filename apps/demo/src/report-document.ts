import { phaseFromLoadTestReport, type ReportDocument, type ReportPhase } from 'http-sentinel/report';
import type { PhaseResult } from './phases/phase.ts';
import type { DemoResult } from './run-demo.ts';

/** One phase drawn by the same code as the CLI's load report, plus the series only the demo samples. */
function reportPhase(phase: PhaseResult): ReportPhase {
  const drawn = phaseFromLoadTestReport(phase.report, {
    name: phase.title,
    description: phase.description,
    windows: phase.windows,
    events: phase.events,
  });
  return { ...drawn, series: phase.series.filter((series) => series.points.length > 0) };
}

/** The run as the report page's document: what `--report` writes and the dashboard streams. */
export function demoDocument(run: DemoResult, generatedAt: Date): ReportDocument {
  const where =
    run.target === null
      ? 'embedded seeded chaos servers on 127.0.0.1'
      : `the server at ${run.target} (--target: nothing injected; what needs the server's own counts is not checked)`;
  return {
    title: 'HTTP Sentinel demo',
    subtitle:
      `seed ${run.seed} · ${Math.round(run.failureRate * 1_000) / 10} % transient faults · ${where} · ` +
      'every worker: its own client with retry → breaker → a shared rate limit → timeouts',
    generatedAt: generatedAt.toISOString(),
    status: run.status,
    phases: run.phases.map(reportPhase),
    // A guarantee that could not be judged (against a --target) is left out rather than shown as held.
    guarantees: run.guarantees
      .filter((check) => check.checked)
      .map((check) => ({ name: check.name, ok: check.ok, detail: check.detail })),
  };
}
