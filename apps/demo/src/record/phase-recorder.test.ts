import type { Client } from '@sentinel/client';
import { describe, expect, it } from 'vitest';
import { errorKeyOf, PhaseRecorder } from './phase-recorder.ts';

/** A stand-in for a worker's client: only `status()` is read. */
function fakeClient(status: { attempts: number; retries: number; inFlight: number }): Client {
  return {
    status: () => ({ requests: 0, failures: {}, breakers: {}, limiter: null, pool: null, closed: false, ...status }),
  } as unknown as Client;
}

describe('PhaseRecorder', () => {
  it('keeps exact nearest-rank percentiles, the max and the mean', () => {
    const recorder = new PhaseRecorder(1_000, 1, []);
    for (let ms = 1; ms <= 1_000; ms++) recorder.record(0, true, { status: 200 }, ms, 1_500);
    const report = recorder.report(2_000, [], false);
    expect(report.latencyMs).toEqual({ p50: 500, p90: 900, p99: 990, p999: 999, max: 1_000, mean: 500.5 });
    // 0 %, four points per halving, the last one at least one request's share, then 100 % = the max.
    expect(report.latencyDistribution[0]).toEqual({ percentile: 0, ms: 1 });
    expect(report.latencyDistribution.slice(4, 5)).toEqual([{ percentile: 50, ms: 500 }]);
    expect(report.latencyDistribution.at(-1)).toEqual({ percentile: 100, ms: 1_000 });
    expect(report.latencyDistribution.at(-2)?.percentile).toBe(99.8839); // the last tick with >= 1 in 1,000 left
    expect(report.throughput).toBe(1_000);
    expect(report.elapsedMs).toBe(1_000);
  });

  it('buckets requests by the second they ended in, fills empty seconds, and keeps each second’s errors', () => {
    const recorder = new PhaseRecorder(0, 2, []);
    recorder.record(0, true, { status: 200 }, 10, 100);
    recorder.record(1, false, Object.assign(new Error('x'), { code: 'SENTINEL_HTTP_ERROR', status: 503 }), 30, 900);
    recorder.record(
      1,
      false,
      Object.assign(new Error('y'), { code: 'SENTINEL_NETWORK', errorCode: 'ECONNRESET' }),
      5,
      2_500,
    );
    const report = recorder.report(3_200, [], true);
    expect(report.aborted).toBe(true);
    expect(report.timeline.map((t) => [t.second, t.requests, t.ok, t.failed, t.p50, t.p99])).toEqual([
      [0, 2, 1, 1, 10, 30],
      [1, 0, 0, 0, null, null],
      [2, 1, 0, 1, 5, 5],
      [3, 0, 0, 0, null, null],
    ]);
    expect(report.timeline[0]?.errors).toEqual({ 'SENTINEL_HTTP_ERROR:503': 1 });
    expect(report.errors).toEqual({ 'SENTINEL_HTTP_ERROR:503': 1, 'SENTINEL_NETWORK:ECONNRESET': 1 });
    expect(report.statuses).toEqual({ '200': 1, '503': 1 });
    expect(report.perWorker.map((w) => [w.index, w.requests, w.succeeded, w.failed])).toEqual([
      [0, 1, 1, 0],
      [1, 2, 0, 2],
    ]);
    expect(report.successRate).toBeCloseTo(1 / 3);
  });

  it('takes attempts from the clients and adds only the growth of their retries floor to the timeline', () => {
    const status = { attempts: 10, retries: 3, inFlight: 2 };
    const recorder = new PhaseRecorder(0, 1, [fakeClient(status)]);
    recorder.sample(500); // floor 3 - 2 = 1
    status.retries = 5;
    status.inFlight = 0;
    recorder.sample(1_500); // floor 5: 4 more
    recorder.sample(1_600); // unchanged: nothing
    status.attempts = 14;
    const report = recorder.report(2_000, [], false);
    expect(report.timeline.map((t) => t.retries)).toEqual([1, 4, 0]);
    expect(recorder.retries).toBe(5);
    expect([report.attempts, report.retries]).toEqual([14, 5]);
    expect(report.perWorker[0]).toMatchObject({ attempts: 14, retries: 5 });
  });

  it('counts a request no worker ran (refused by a full queue) in the totals only', () => {
    const recorder = new PhaseRecorder(0, 1, []);
    recorder.record(-1, false, Object.assign(new Error('full'), { code: 'SENTINEL_QUEUE_FULL' }), 0, 10);
    const report = recorder.report(100, [], false);
    expect([report.requests, report.failed, report.perWorker[0]?.requests]).toEqual([1, 1, 0]);
    expect(report.errors).toEqual({ SENTINEL_QUEUE_FULL: 1 });
  });

  it('reports nothing recorded as zeros and a success rate of 1', () => {
    const report = new PhaseRecorder(0, 3, []).report(0, [], false);
    expect(report).toMatchObject({ requests: 0, successRate: 1, throughput: 0, latencyDistribution: [] });
    expect(report.latencyMs).toEqual({ p50: 0, p90: 0, p99: 0, p999: 0, max: 0, mean: 0 });
    expect(report.timeline).toHaveLength(1);
  });

  it('names failures like client.status() does', () => {
    expect(errorKeyOf({ code: 'SENTINEL_TIMEOUT', phase: 'headers' })).toBe('SENTINEL_TIMEOUT:headers');
    expect(errorKeyOf(new TypeError('x'))).toBe('TypeError');
    expect(errorKeyOf(undefined)).toBe('UNKNOWN');
  });
});
