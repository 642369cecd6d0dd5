import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChaosServer } from '@sentinel/chaos';
import { systemClock } from '@sentinel/core';
import { afterAll, describe, expect, it } from 'vitest';
import { SMALL } from '../test-support/small.ts';
import { runGateway } from './gateway.ts';
import { runLoad } from './load.ts';
import type { Check, PhaseContext, PhaseProgress } from './phase.ts';
import { runScraper } from './scraper.ts';
import { transientFaults } from './upstream.ts';

const folder = mkdtempSync(join(tmpdir(), 'sentinel-demo-phases-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function context(seed: number, extra: Partial<PhaseContext> = {}): PhaseContext & { ticks: PhaseProgress[] } {
  const ticks: PhaseProgress[] = [];
  return {
    seed,
    failureRate: 0.1,
    target: undefined,
    clock: systemClock,
    signal: new AbortController().signal,
    instrument: () => {},
    onTick: (progress) => ticks.push(progress),
    ticks,
    ...extra,
  };
}

/** Every check was judged and held; the failing ones are named in the assertion message. */
function expectAllHeld(checks: readonly Check[]): void {
  const broken = checks.filter((c) => !c.ok || !c.checked).map((c) => `${c.name}: ${c.detail}`);
  expect(broken, broken.join('\n')).toEqual([]);
}

// The phases run in real time on loopback at a small size; what is asserted are the guarantees and
// the counts, never a duration.
describe('the demo phases, small, against embedded seeded chaos servers', () => {
  it('scraper: one NDJSON line per page, retries rescue the transient faults, attempts = server requests', async () => {
    const ctx = context(11);
    const outFile = join(folder, 'pages.ndjson');
    const result = await runScraper(ctx, { workers: 4, urls: 300, pagesPerSecond: 2_000, outFile });
    expect(result.status).toBe('finished');
    expectAllHeld(result.checks);
    expect(result.checks.map((c) => c.name)).toEqual([
      'scraper: every page got exactly one NDJSON line',
      'scraper: retryable success ≥ 99.9 % (every page is a GET)',
      'scraper: client attempts = server requests',
    ]);

    const lines = readFileSync(outFile, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(300);
    expect(new Set(lines.map((l) => l.url)).size).toBe(300);
    expect(lines.every((l) => l.status === 200 && l.bytes > 0 && l.attempts >= 1)).toBe(true);

    const { report, facts } = result;
    expect([report.requests, report.succeeded, facts.ndjson.lines]).toEqual([300, 300, 300]);
    // The faults fired and the retries absorbed them.
    expect(facts.rescuedByRetry).toBeGreaterThan(0);
    expect(report.retries).toBeGreaterThan(0);
    expect(report.attempts).toBe(result.servers?.site?.requests);
    expect(result.servers?.site?.faults.status).toBeGreaterThan(0);
    expect(ctx.ticks.every((t) => t.name === 'scraper' && t.total === 300)).toBe(true);
  }, 60_000);

  it('gateway: the outage opens the breakers, callers fail fast, breakers close again, the 429 burst pauses the shared limiter', async () => {
    const ctx = context(5);
    // The size the whole demo's tests run the gateway at: the outage and the burst both fit in it.
    const result = await runGateway(ctx, SMALL.gateway);
    expect(result.status).toBe('finished');
    expectAllHeld(result.checks);
    expect(result.checks).toHaveLength(6);
    const { facts, report } = result;
    expect(facts.outage?.breakersOpened).toBeGreaterThan(0);
    expect(facts.outage?.rejectedFast.jobs).toBeGreaterThan(0);
    expect(facts.burst?.tooManyRequests).toBeGreaterThan(0);
    expect(facts.burst?.limiterPausedUntil).not.toBeNull();
    // Every breaker that changed state is in the report, by upstream name.
    expect(new Set(report.breakerTransitions.map((t) => t.origin))).toContain('payments');
    expect(result.breakerStates).toHaveLength(18); // 6 workers × 3 upstreams
    expect(result.windows.map((w) => w.label)).toEqual(['payments outage', '429 burst (catalog)']);
    // What the servers saw is what the clients sent.
    const received = Object.values(result.servers ?? {}).reduce((n, s) => n + s.requests, 0);
    expect(report.attempts).toBe(received);
    expect(ctx.ticks.some((t) => t.now?.includes('payments outage'))).toBe(true);
  }, 60_000);

  it('load: workers × requests through every layer, HDR percentiles, attempts = server requests', async () => {
    const result = await runLoad(context(3), { workers: 10, requestsPerWorker: 20 });
    expect(result.status).toBe('finished');
    expectAllHeld(result.checks);
    const { report } = result;
    expect([report.requests, report.workers, report.model]).toEqual([200, 10, 'closed']);
    expect(report.retries).toBeGreaterThan(0);
    expect(report.attempts).toBe(result.servers?.server?.requests);
    expect(report.latencyMs.p50).toBeGreaterThan(0);
    expect(report.latencyMs.max).toBeGreaterThanOrEqual(report.latencyMs.p999);
  }, 60_000);
});

describe('the demo phases against a --target', () => {
  it("sends what the server counts: the phase's attempts are the target's requests; nothing is injected", async () => {
    const server = await startChaosServer({ seed: 9, faults: transientFaults(0.1) });
    try {
      const ctx = context(4, { target: new URL(`${server.url}/api/health`) });
      const load = await runLoad(ctx, { workers: 5, requestsPerWorker: 20 });
      expect(load.report.requests).toBe(100);
      expect(load.report.attempts).toBe(server.stats().requests);
      expect(server.stats().byPath).toEqual({ '/api/health': load.report.attempts });
      expect(load.servers).toBeNull();
      expect(load.checks.find((c) => c.name === 'load: client attempts = server requests')).toMatchObject({
        checked: false,
      });

      server.resetStats();
      const gateway = await runGateway(ctx, {
        workers: 3,
        callers: 6,
        maxQueue: 4,
        durationMs: 1_500,
        outageMs: 500,
        burstMs: 200,
        requestsPerSecond: 1_000,
        thinkMs: { min: 10, max: 30 },
      });
      expect(gateway.report.attempts).toBe(server.stats().requests);
      expect(gateway.windows).toEqual([]);
      expect(gateway.facts.outage).toBeNull();
      const unchecked = gateway.checks.filter((c) => !c.checked).map((c) => c.name);
      expect(unchecked).toEqual([
        'gateway: no POST without an idempotency key was sent twice',
        'gateway: client attempts = server requests',
        'gateway: breakers opened during the outage and closed after it',
        'gateway: callers got fast CircuitOpenErrors instead of timeouts',
        'gateway: the shared limiter paused before more 429s came',
      ]);
      // Every unkeyed POST reached the target once (the client never resends one).
      const unkeyed = Object.entries(server.stats().byPath).filter(([path]) => path.startsWith('/orders/new-'));
      expect(unkeyed.length).toBeGreaterThan(0);
      expect(unkeyed.every(([, n]) => n === 1)).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);
});

describe('a phase interrupted (Ctrl-C)', () => {
  it('stops sending, reports what it has as interrupted, and judges nothing that needed the end', async () => {
    const controller = new AbortController();
    let aborted = false;
    const ctx = context(8, {
      signal: controller.signal,
      onTick: (progress) => {
        // Mid-outage: the breakers are open and nothing has recovered yet.
        if (!aborted && progress.now?.includes('payments outage') && progress.elapsedMs > 1_500) {
          aborted = true;
          controller.abort(new Error('interrupted'));
        }
      },
    });
    const result = await runGateway(ctx, {
      workers: 4,
      callers: 8,
      maxQueue: 4,
      durationMs: 4_000,
      outageMs: 2_000,
      burstMs: 300,
      requestsPerSecond: 1_000,
      thinkMs: { min: 10, max: 30 },
    });
    expect(aborted).toBe(true);
    expect(result.status).toBe('interrupted');
    expect(result.report.aborted).toBe(true);
    expect(result.report.requests).toBeGreaterThan(0);
    expect(result.report.elapsedMs).toBeLessThan(4_000);
    const recovery = result.checks.find(
      (c) => c.name === 'gateway: breakers opened during the outage and closed after it',
    );
    expect(recovery).toMatchObject({ checked: false, detail: expect.stringMatching(/interrupted/) });
    // The counts still add up: nothing was sent after the stop that the clients did not count.
    expect(result.checks.find((c) => c.name === 'gateway: client attempts = server requests')).toMatchObject({
      ok: true,
      checked: true,
    });
  }, 60_000);
});
