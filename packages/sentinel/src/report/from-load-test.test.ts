import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { loadTest } from '@sentinel/workers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resilientClientOptions } from '../resilient-client/create-resilient-client.ts';
import { phaseFromLoadTestReport } from './from-load-test.ts';
import { validateReportDocument } from './validate.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 9 });
});
afterEach(() => server.close());

describe('phaseFromLoadTestReport', () => {
  it('carries the totals, the HDR curve, and one breaker track per worker whose breaker moved', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const report = await loadTest({
      url: `${server.url}/down`,
      workers: 3,
      requestsPerWorker: 5,
      // Clients loadTest builds itself: it watches their breakers exactly.
      clientOptions: () => resilientClientOptions({ preset: 'hft', retry: false }),
    });
    const phase = phaseFromLoadTestReport(report, { name: 'down', windows: [{ label: 'all down', from: 0, to: 1 }] });
    validateReportDocument({ title: 't', phases: [phase] });
    expect(phase.name).toBe('down');
    expect(phase.summary).toMatchObject({ requests: 15, failed: 15, succeeded: 0, attempts: report.attempts });
    expect(phase.latencyCurve).toEqual(report.latencyDistribution);
    // One track per worker and origin that reported a transition (workers share the request count,
    // so a worker that made fewer than 3 requests never tripped: hft opens after 3 failures).
    const moved = new Set(report.breakerTransitions.map((t) => `worker ${t.workerIndex}`)); // one origin: no suffix
    expect(moved.size).toBeGreaterThan(0);
    expect(phase.breakers?.map((b) => b.name).sort()).toEqual([...moved].sort());
    for (const track of phase.breakers ?? []) {
      expect(track.intervals.some((i) => i.state === 'open')).toBe(true);
      expect(track.intervals.at(-1)?.to).toBeCloseTo(Math.max(report.elapsedMs / 1000, report.timeline.length));
    }
    expect(phase.events?.map((e) => e.label)).toContain('first breaker opens');
    expect(phase.windows).toEqual([{ label: 'all down', from: 0, to: 1 }]);
  });

  it('scales a short last second to a rate, and leaves out one too short to mean anything', () => {
    const base = {
      model: 'closed',
      workers: 1,
      aborted: false,
      requests: 30,
      succeeded: 30,
      failed: 0,
      successRate: 1,
      statuses: { '200': 30 },
      errors: {},
      attempts: 30,
      retries: 0,
      throughput: 20,
      latencyMs: { p50: 1, p90: 1, p99: 1, p999: 1, max: 1, mean: 1 },
      latencyDistribution: [],
      perWorker: [],
      breakerTransitions: [],
    } as const;
    const entry = (second: number, requests: number) => ({
      second,
      requests,
      ok: requests,
      failed: 0,
      retries: 0,
      p50: 1,
      p99: 2,
      errors: {},
    });
    const half = phaseFromLoadTestReport({ ...base, elapsedMs: 1_500, timeline: [entry(0, 20), entry(1, 10)] });
    expect(half.timeline?.map((p) => [p.t, p.requests])).toEqual([
      [1, 20],
      [1.5, 20],
    ]);
    const sliver = phaseFromLoadTestReport({ ...base, elapsedMs: 1_050, timeline: [entry(0, 29), entry(1, 1)] });
    expect(sliver.timeline?.map((p) => p.t)).toEqual([1]);
    expect(sliver.summary.requests).toBe(30);
  });
});
