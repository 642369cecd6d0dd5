import { breakerTrack } from '../report/breaker-track.ts';
import type { ReportDocument, ReportPhase, TimelinePoint } from '../report/document.ts';

/** A deterministic 20-second phase with an outage from 8 s to 10 s: what the demo's gateway phase looks like. */
function gatewayPhase(requestsScale: number): ReportPhase {
  const timeline: TimelinePoint[] = [];
  for (let t = 1; t <= 20; t++) {
    const outage = t > 8 && t <= 10;
    const requests = Math.round((outage ? 140 : 400 + 15 * Math.sin(t)) * requestsScale);
    const failed = outage ? 120 : t % 7 === 0 ? 3 : 0;
    timeline.push({
      t,
      requests,
      ok: requests - failed,
      failed,
      retries: outage ? 60 : 12 + (t % 3),
      p99: outage ? 180 : 22 + (t % 4),
    });
  }
  const requests = timeline.reduce((n, p) => n + p.requests, 0);
  const failed = timeline.reduce((n, p) => n + p.failed, 0);
  return {
    name: 'API gateway',
    description: '50 callers, 16 workers behind a bounded queue; /orders goes down from 8 s to 10 s.',
    summary: {
      requests,
      succeeded: requests - failed,
      failed,
      successRate: (requests - failed) / requests,
      throughput: requests / 20,
      elapsedMs: 20_000,
      attempts: requests + 300,
      retries: 300,
      latencyMs: { p50: 4.2, p90: 9.8, p99: 41.5, p999: 180.2, max: 412.7, mean: 6.1 },
      statuses: { '200': requests - failed, '503': 220 },
      errors: { SENTINEL_CIRCUIT_OPEN: 200, 'SENTINEL_HTTP_ERROR:503': 46 },
    },
    timeline,
    latencyCurve: [
      { percentile: 50, ms: 4.2 },
      { percentile: 75, ms: 6.3 },
      { percentile: 90, ms: 9.8 },
      { percentile: 99, ms: 41.5 },
      { percentile: 99.9, ms: 180.2 },
      { percentile: 100, ms: 412.7 },
    ],
    breakers: Array.from({ length: 4 }, (_, i) =>
      breakerTrack(
        `worker ${i}`,
        [
          { t: 8.2 + i * 0.1, to: 'open' },
          { t: 9.7 + i * 0.1, to: 'half-open' },
          { t: 10.2 + i * 0.1, to: 'closed' },
        ],
        20,
      ),
    ),
    windows: [{ label: 'outage /orders', from: 8, to: 10 }],
    events: [
      { t: 8.2, label: 'first breaker opens' },
      { t: 12, label: '429 burst' },
    ],
    series: [
      {
        name: 'limiter tokens',
        unit: 'tokens',
        points: timeline.map((p) => [p.t, p.t === 12 ? 0 : 40 - (p.t % 5)] as const),
      },
      {
        name: 'limiter waits',
        unit: 'ms',
        points: timeline.map((p) => [p.t, p.t >= 12 && p.t < 14 ? 250 : 0] as const),
      },
    ],
  };
}

/** A report with one rich phase and one bare one (summary only), and a guarantees table. */
export function sampleReport(requestsScale = 1): ReportDocument {
  return {
    title: 'HTTP Sentinel — sample report <script>alert(1)</script>',
    subtitle: 'seed 42 · 16 workers · 127.0.0.1',
    generatedAt: '2026-12-07T08:00:00.000Z',
    phases: [
      gatewayPhase(requestsScale),
      {
        name: 'Load test (summary only)',
        summary: {
          requests: 10_000,
          succeeded: 9_990,
          failed: 10,
          successRate: 0.999,
          throughput: 5_000,
          elapsedMs: 2_000,
          latencyMs: { p50: 1.1, p90: 2.2, p99: 5.5, p999: 9.9, max: 30.1, mean: 1.4 },
        },
      },
    ],
    guarantees: [
      { name: 'client attempts = server requests', ok: true, detail: '8,312 = 8,312' },
      { name: 'breakers opened during the outage and closed after it', ok: true },
      { name: 'retryable success ≥ 99.9 % outside the outage', ok: false, detail: '99.82 %' },
    ],
  };
}
