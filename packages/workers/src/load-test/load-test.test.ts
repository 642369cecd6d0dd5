import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { createClient } from '@sentinel/client';
import { isConfigError } from '@sentinel/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drive, ioResources, ManualClock, uncaught, until } from '../test-support/resources.ts';
import { formatReport } from './format-report.ts';
import { loadTest } from './load-test.ts';
import type { LoadTestProgress } from './report.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 7 });
});
afterEach(async () => {
  await server.close();
});

describe('loadTest: closed model on real sockets', () => {
  it('100 workers × 100 requests at 10 % transient faults: >= 99.9 % success, attempts = requests the server saw, nothing left open', async () => {
    server.setFaults([
      { type: 'status', status: 503, rate: 0.06 },
      { type: 'reset-before-headers', rate: 0.04 },
    ]);
    const before = ioResources();
    const report = await loadTest({
      url: `${server.url}/api`,
      workers: 100,
      requestsPerWorker: 100,
      clientOptions: () => ({
        retry: retry({ maxAttempts: 5, backoff: constant(0) }),
        breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 50 }) }),
      }),
    });
    expect(report.requests).toBe(10_000);
    expect(report.successRate).toBeGreaterThanOrEqual(0.999);
    expect(report.succeeded + report.failed).toBe(10_000);
    expect(report.attempts).toBe(server.stats().requests);
    expect(report.retries).toBe(report.attempts - 10_000);
    expect(report.retries).toBeGreaterThan(500); // the faults really fired
    expect(report.statuses['200']).toBe(report.succeeded);
    expect(report.perWorker).toHaveLength(100);
    expect(report.perWorker.reduce((sum, w) => sum + w.requests, 0)).toBe(10_000);
    expect(report.perWorker.reduce((sum, w) => sum + w.attempts, 0)).toBe(report.attempts);
    expect(report.timeline.reduce((sum, t) => sum + t.requests, 0)).toBe(10_000);
    expect(report.timeline.reduce((sum, t) => sum + t.retries, 0)).toBe(report.retries);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p999);
    expect(report.latencyDistribution.at(-1)).toEqual({ percentile: 100, ms: report.latencyMs.max });
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
    expect(report).toMatchObject({ model: 'closed', workers: 100, url: `${server.url}/api`, aborted: false });
    expect(report.serviceTimeMs).toBeUndefined();
    await until(() => ioResources().sockets <= before.sockets);
    expect(ioResources().timers).toBeLessThanOrEqual(before.timers);
  }, 300_000);

  it('does not count warm-up requests', async () => {
    const report = await loadTest({
      url: server.url,
      workers: 4,
      requestsPerWorker: 5,
      warmup: { requestsPerWorker: 3 },
    });
    expect(server.stats().requests).toBe(32);
    expect(report).toMatchObject({ requests: 20, succeeded: 20, attempts: 20, retries: 0 });
  });

  it('counts final statuses and errors by code', async () => {
    server.route('/missing', { type: 'status', status: 404 });
    const report = await loadTest({
      workers: 2,
      requestsPerWorker: 3,
      request: ({ client }, ctx) => client.get(`${server.url}${ctx.workerIndex === 0 ? '/ok' : '/missing'}`),
    });
    expect(report.statuses).toEqual({ 200: 3, 404: 3 });
    expect(report.errors).toEqual({ 'SENTINEL_HTTP_ERROR:404': 3 });
    expect(report.successRate).toBe(0.5);
    expect(report.url).toBeUndefined();
  });

  it('counts any integer status a custom request reports, in ascending order', async () => {
    const statuses = [1_200, 503, 200, 200, 7, 1_200, 200];
    let next = 0;
    const report = await loadTest({
      workers: 1,
      requestsPerWorker: statuses.length,
      setup: () => ({}),
      request: async () => ({ status: statuses[next++] }),
    });
    expect(report.statuses).toEqual({ 7: 1, 200: 3, 503: 1, 1200: 2 });
    expect(Object.keys(report.statuses)).toEqual(['7', '200', '503', '1200']);
  });

  it('records breaker transitions of the clients it builds, with worker, origin and time', async () => {
    server.setFaults({ type: 'status', status: 503 });
    const clock = new ManualClock();
    const report = await loadTest({
      url: server.url,
      workers: 2,
      requestsPerWorker: 4,
      clock,
      clientOptions: () => ({ breaker: () => circuitBreaker({ trigger: consecutive({ threshold: 2 }), clock }) }),
    });
    expect(report.failed).toBe(8);
    expect(report.errors).toMatchObject({ 'SENTINEL_HTTP_ERROR:503': 4, SENTINEL_CIRCUIT_OPEN: 4 });
    expect(report.breakerTransitions).toEqual([
      { atMs: 0, workerIndex: expect.any(Number), origin: server.url, from: 'closed', to: 'open' },
      { atMs: 0, workerIndex: expect.any(Number), origin: server.url, from: 'closed', to: 'open' },
    ]);
    expect(new Set(report.breakerTransitions.map((t) => t.workerIndex))).toEqual(new Set([0, 1]));
  });

  it('samples breaker states of clients a custom setup built', async () => {
    server.setFaults({ type: 'status', status: 503 });
    const clock = new ManualClock();
    const running = loadTest({
      workers: 1,
      requestsPerWorker: 6,
      clock,
      setup: () => ({
        client: createClient({ breaker: circuitBreaker({ trigger: consecutive({ threshold: 3 }), clock }) }),
      }),
      request: async ({ client }, ctx) => {
        await clock.sleep(100, ctx.signal);
        return client.get(server.url, { signal: ctx.signal });
      },
    });
    await drive(clock, running, 50);
    const report = await running;
    expect(report.breakerTransitions).toEqual([
      { atMs: expect.any(Number), workerIndex: 0, origin: '*', from: 'closed', to: 'open' },
    ]);
    expect(report.breakerTransitions[0]?.atMs).toBeGreaterThanOrEqual(300);
  });
});

describe('loadTest: time on a ManualClock', () => {
  it('measures latency, fills every second of the timeline and reports progress about every 250 ms', async () => {
    const clock = new ManualClock();
    const progress: LoadTestProgress[] = [];
    const running = loadTest({
      workers: 2,
      requestsPerWorker: 5,
      clock,
      onProgress: (p) => progress.push(p),
      // Worker 0's requests take 300 ms, worker 1's 100 ms; no I/O.
      request: (_w, ctx) => clock.sleep(ctx.workerIndex === 0 ? 300 : 100, ctx.signal).then(() => ({ status: 204 })),
    });
    await drive(clock, running, 50);
    const report = await running;
    expect(report.requests).toBe(10);
    expect(report.statuses).toEqual({ 204: 10 });
    // HDR keeps 3 significant digits: a percentile is within 0.1 % (the max is exact).
    expect(Math.abs(report.latencyMs.p50 - 100)).toBeLessThanOrEqual(0.1);
    expect(report.latencyMs.max).toBe(300);
    expect(report.perWorker.map((w) => [w.requests, w.latencyMs.max])).toEqual([
      [expect.any(Number), expect.any(Number)],
      [expect.any(Number), expect.any(Number)],
    ]);
    expect(report.timeline.map((t) => t.second)).toEqual(Array.from({ length: report.timeline.length }, (_, i) => i));
    expect(report.timeline.reduce((sum, t) => sum + t.requests, 0)).toBe(10);
    expect(progress.length).toBeGreaterThanOrEqual(Math.floor(report.elapsedMs / 250));
    expect(progress.slice(0, -1).map((p) => p.elapsedMs)).toEqual(progress.slice(0, -1).map((_, i) => (i + 1) * 250));
    expect(progress.at(-1)).toMatchObject({ done: 10, total: 10, ok: 10, failed: 0 });
  });

  it('a throwing onProgress listener is reported and does not stop the run', async () => {
    const clock = new ManualClock();
    let report: Awaited<ReturnType<typeof loadTest>> | undefined;
    const errors = await uncaught(async () => {
      const running = loadTest({
        workers: 1,
        requestsPerWorker: 3,
        clock,
        onProgress: () => {
          throw new Error('progress bar bug');
        },
        request: (_w, ctx) => clock.sleep(200, ctx.signal),
      });
      await drive(clock, running, 50);
      report = await running;
    });
    expect(report?.requests).toBe(3);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect((errors[0] as Error).message).toBe('progress bar bug');
  });

  it('ends a closed-model run after durationMs (requests in flight finish)', async () => {
    const clock = new ManualClock();
    const running = loadTest({
      workers: 3,
      durationMs: 1_000,
      clock,
      request: (_w, ctx) => clock.sleep(150, ctx.signal),
    });
    await drive(clock, running, 50);
    const report = await running;
    // Each worker starts at 0, 150, ..., 900: 7 requests, the last ending at 1050.
    expect(report.requests).toBe(21);
    expect(report.elapsedMs).toBe(1_050);
    expect(report.throughput).toBe(20);
    expect(report.timeline.map((t) => t.requests)).toEqual([18, 3]);
  });

  it('open model: requests start on schedule, and the corrected latency shows a wait for workers', async () => {
    const clock = new ManualClock();
    const running = loadTest({
      workers: 1,
      rate: 10,
      requestsPerWorker: 10,
      clock,
      // Each request takes 200 ms but one is due every 100 ms: the backlog grows by 100 ms a request.
      request: (_w, ctx) => clock.sleep(200, ctx.signal),
    });
    await drive(clock, running, 50);
    const report = await running;
    expect(report.model).toBe('open');
    expect(report.rate).toBe(10);
    expect(report.serviceTimeMs).toMatchObject({ p50: 200, max: 200 });
    // Request k was due at 100k and ended at 200(k + 1): latency 200 + 100k.
    expect(report.latencyMs.max).toBe(1_100);
    expect(Math.abs(report.latencyMs.p50 - 600)).toBeLessThanOrEqual(0.6);
  });
});

/** A server on real sockets that answers at once, except while stalled: then it holds every answer. */
async function startGateServer() {
  let stalled = false;
  const held: ServerResponse[] = [];
  const answer = (response: ServerResponse) => response.end('ok');
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => (stalled ? held.push(response) : answer(response)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stall: () => {
      stalled = true;
    },
    release: () => {
      stalled = false;
      for (const response of held.splice(0)) answer(response);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('loadTest: open model against a stalling server', () => {
  it('a 1 s stall shows in the corrected p99 and not in the service time', async () => {
    const gate = await startGateServer();
    const clock = new ManualClock();
    try {
      const running = loadTest({
        url: gate.url,
        workers: 2,
        rate: 200,
        durationMs: 5_000,
        clock,
      });
      let settled = false;
      void running.finally(() => {
        settled = true;
      });
      // Real I/O between 5 ms steps of manual time; the server stalls from 2.0 s to 3.0 s.
      for (let step = 0; step < 10_000 && !settled; step++) {
        await until(() => true);
        for (let turn = 0; turn < 3; turn++) await until(() => false, 1).catch(() => {});
        if (clock.now() >= 2_000 && clock.now() < 3_000) gate.stall();
        else gate.release();
        if (clock.pending > 0) await clock.advance(5);
      }
      const report = await running;
      expect(report.requests).toBe(1_000);
      expect(report.successRate).toBe(1);
      expect(report.latencyMs.p99).toBeGreaterThanOrEqual(500);
      expect(report.serviceTimeMs?.p99 ?? Number.NaN).toBeLessThan(100);
      // The requests caught in the stall did take the whole second.
      expect(report.serviceTimeMs?.max ?? 0).toBeGreaterThanOrEqual(900);
      const stallSeconds = report.timeline.filter((t) => t.second === 2);
      expect(stallSeconds[0]?.requests ?? 0).toBeLessThan(10);
    } finally {
      await gate.close();
    }
  }, 300_000);
});

describe('loadTest: abort', () => {
  it('an abort mid-run aborts the requests in flight and resolves with the partial report', async () => {
    server.route('/slow', [{ type: 'echo', times: 6 }, { type: 'hang' }]);
    const controller = new AbortController();
    const before = ioResources();
    const running = loadTest({
      url: `${server.url}/slow`,
      workers: 3,
      requestsPerWorker: 10,
      signal: controller.signal,
    });
    await until(() => server.stats().requests >= 9);
    controller.abort(new Error('stop'));
    const report = await running;
    expect(report.aborted).toBe(true);
    expect(report.requests).toBe(6);
    expect(report.succeeded).toBe(6);
    await until(() => ioResources().sockets <= before.sockets);
  });

  it('an abort while the workers are being built ends the run before any request', async () => {
    const controller = new AbortController();
    const report = await loadTest({
      workers: 2,
      requestsPerWorker: 5,
      signal: controller.signal,
      setup: (index) => {
        if (index === 1) controller.abort('changed my mind');
        return {};
      },
      request: () => 'never',
    });
    expect(report).toMatchObject({ aborted: true, requests: 0 });
  });

  it('an already-aborted signal rejects with its reason before any request', async () => {
    const reason = new Error('never');
    await expect(loadTest({ url: server.url, signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.stats().requests).toBe(0);
  });
});

describe('loadTest: client options', () => {
  it('a function of the worker index gives every worker its own policies', async () => {
    const made: object[] = [];
    const report = await loadTest({
      url: server.url,
      workers: 3,
      requestsPerWorker: 1,
      clientOptions: (index) => {
        const policy = retry({ maxAttempts: 2 });
        made.push(policy);
        return { retry: policy, headers: { 'x-worker': String(index) } };
      },
    });
    expect(report.succeeded).toBe(3);
    expect(new Set(made).size).toBe(3);
  });

  it.each([
    ['retry', { retry: retry({ maxAttempts: 2 }) }],
    ['rateLimit', { rateLimit: { execute: (fn: () => unknown) => fn() } }],
    ['policies', { policies: [] }],
    ['breaker', { breaker: circuitBreaker() }],
  ])(
    'refuses a policy instance (%s) in a plain clientOptions object, which every worker would share',
    async (name, clientOptions) => {
      const error = await loadTest({ url: server.url, clientOptions: clientOptions as never }).catch((e: unknown) => e);
      expect(isConfigError(error)).toBe(true);
      expect((error as Error).message).toContain(`"clientOptions.${name}"`);
      expect((error as Error).message).toContain('(workerIndex) => ClientOptions');
    },
  );
});

describe('loadTest: bad input', () => {
  const url = 'http://127.0.0.1:9/';
  it.each([
    ['url', {}, 'a URL, or a "request" function'],
    ['url', { url: 'not a url' }, 'an absolute http(s) URL'],
    ['url', { url: 'ftp://x/' }, 'an absolute http(s) URL'],
    ['request', { url, request: () => 1 }, 'one or the other'],
    ['workers', { url, workers: 0 }, 'an integer between 1'],
    ['workers', { url, workers: 2.5 }, 'an integer'],
    ['rate', { url, rate: 0 }, '> 0'],
    ['rate', { url, rate: -5 }, '> 0'],
    ['durationMs', { url, requestsPerWorker: 5, durationMs: 1_000 }, 'one or the other'],
    ['requestsPerWorker', { url, requestsPerWorker: 0 }, '>= 1'],
    ['durationMs', { url, durationMs: 0 }, '> 0'],
    ['warmup', { url, warmup: {} }, '"requestsPerWorker" or "durationMs"'],
    ['warmup.durationMs', { url, warmup: { durationMs: -1 } }, '> 0'],
    ['clientOptions', { url, setup: () => ({}), clientOptions: {} }, 'undefined when "setup" is given'],
    ['onProgress', { url, onProgress: 'log' }, 'a function'],
    ['signal', { url, signal: 'abort' }, 'an AbortSignal'],
    ['speed', { url, speed: 3 }, 'known options'],
  ])('rejects a bad %s with a ConfigError naming it', async (option, options, expected) => {
    const error = await loadTest(options as never).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain(`loadTest: "${option}"`);
    expect((error as Error).message).toContain(expected);
  });
});

describe('formatReport', () => {
  it('prints the totals, percentiles, counts, transitions, worker spread and timeline', async () => {
    server.route('/missing', { type: 'status', status: 404, rate: 0.5 });
    const report = await loadTest({ url: `${server.url}/missing`, workers: 2, requestsPerWorker: 10 });
    const text = formatReport(report);
    expect(text).toContain(`20 requests in`);
    expect(text).toContain('2 workers, closed model');
    expect(text).toMatch(/succeeded \d+ \(\d+\.\d\d %\), failed \d+, attempts 20 \(0 retries\)/);
    expect(text).toMatch(/^ms\s+p50\s+p90\s+p99\s+p99\.9\s+max\s+mean$/m);
    expect(text).toContain('statuses: ');
    expect(text).toContain('SENTINEL_HTTP_ERROR:404 × ');
    expect(text).toContain('per worker: requests min');
    expect(text).toMatch(/^second\s+requests\s+ok\s+failed\s+retries\s+p50 ms\s+p99 ms$/m);
    const open = formatReport({
      ...report,
      model: 'open',
      rate: 500,
      serviceTimeMs: report.latencyMs,
      breakerTransitions: [{ atMs: 1_500, workerIndex: 3, origin: 'http://a', from: 'closed', to: 'open' }],
    });
    expect(open).toContain('open model at 500 req/s');
    expect(open).toContain('service time');
    expect(open).toContain('1.500 s  worker 3  http://a  closed → open');
  });
});
