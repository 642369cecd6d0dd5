/**
 * `http-sentinel/report`: reports are data first. A {@link ReportDocument} (plain JSON: phases
 * with LoadTestReport-like totals, per-second timelines, latency curves, breaker timelines,
 * marked windows, extra series, guarantees) is rendered into one self-contained HTML page, which
 * can also redraw live from Server-Sent Events. The CLI's `--report` and the demo both use it.
 */
export { type BreakerTransition, breakerTrack } from '../report/breaker-track.ts';
export type {
  BreakerInterval,
  BreakerTrack,
  ExtraSeries,
  Guarantee,
  LatencySummary,
  MarkedWindow,
  PercentilePoint,
  PhaseSummary,
  ReportDocument,
  ReportEvent,
  ReportPhase,
  TimelinePoint,
} from '../report/document.ts';
export { type LoadTestPhaseOptions, phaseFromLoadTestReport } from '../report/from-load-test.ts';
export { type RenderReportOptions, renderReportHtml } from '../report/render-html.ts';
export {
  type Dashboard,
  type DashboardRoute,
  type ServeDashboardOptions,
  serveDashboard,
} from '../report/serve-dashboard.ts';
export { validateReportDocument } from '../report/validate.ts';
