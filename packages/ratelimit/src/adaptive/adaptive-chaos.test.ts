import { Agent, request } from 'node:http';
import { startChaosServer } from '@sentinel/chaos';
import { describe, expect, it } from 'vitest';
import { adaptiveConcurrency } from './adaptive-concurrency.ts';

/** One GET on a keep-alive agent (node:http: less client CPU per call than fetch); resolves with the status. */
function get(url: string, agent: Agent, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, signal }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    req.once('error', reject);
    req.end();
  });
}

/** `total` calls of `call`, `callers` at a time (a closed loop: each caller calls again when done). */
async function closedLoop(call: () => Promise<void>, total: number, callers: number): Promise<void> {
  let started = 0;
  const caller = async () => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

/*
 * The test, on real sockets: a chaos server that serves 20 requests at a time with
 * jittered latency (5-20 ms) and answers 503 at once above that; 100 callers push 5,000 calls
 * through the limiter. The limit each call sees when it finishes is recorded: its median over the
 * last 1,000 calls must lie within ±30 % of 20. Then the server's capacity rises to 40, and so
 * must the limit. No time is asserted; the real-time latency only shapes the load.
 */
describe.each(['aimd', 'gradient'] as const)(
  'adaptiveConcurrency (%s) against an overloaded chaos server',
  (algorithm) => {
    it('settles within ±30 % of a capacity of 20, and rises again when the capacity rises to 40', {
      timeout: 120_000,
    }, async () => {
      await using server = await startChaosServer({
        seed: 7,
        capacity: { maxInFlight: 20 },
        faults: { type: 'echo', latencyMs: { min: 5, max: 20 } },
      });
      const agent = new Agent({ keepAlive: true });
      const limiter = adaptiveConcurrency({ algorithm, initial: 5, max: 200 });
      let limits: number[] = [];
      const call = async () => {
        await limiter
          .execute(async ({ signal }) => {
            const status = await get(`${server.url}/work`, agent, signal);
            // What the client's HttpError carries: a numeric status.
            if (status !== 200) throw Object.assign(new Error(`HTTP ${status}`), { status });
          })
          .catch(() => {}); // the 503s are part of the experiment
        limits.push(limiter.status().limit);
      };

      await closedLoop(call, 5_000, 100);
      const atTwenty = median(limits.slice(-1_000));
      const first = server.stats();

      server.setCapacity({ maxInFlight: 40 });
      server.resetStats();
      limits = [];
      await closedLoop(call, 3_000, 100);
      const atForty = median(limits.slice(-1_000));
      const second = server.stats();
      console.log(
        `adaptiveConcurrency ${algorithm}: median limit ${atTwenty} at capacity 20 ` +
          `(${first.overCapacity} of ${first.requests} requests refused), ${atForty} at capacity 40 ` +
          `(${second.overCapacity} of ${second.requests} refused, ${second.peakInFlight} served at once at most)`,
      );

      expect(first.peakInFlight).toBeLessThanOrEqual(20);
      expect(first.overCapacity).toBeGreaterThan(0); // the limiter did find the edge
      expect(atTwenty).toBeGreaterThanOrEqual(14);
      expect(atTwenty).toBeLessThanOrEqual(26);
      // Risen again: beyond the band around 20, and the server really serves more at once.
      expect(atForty).toBeGreaterThan(26);
      expect(second.peakInFlight).toBeGreaterThan(26);
      expect(limiter.status()).toMatchObject({ inFlight: 0, waiting: 0 });
      agent.destroy();
    });
  },
);
