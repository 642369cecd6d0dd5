import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { retryBudget } from '@sentinel/backoff';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHedgedReader } from './hedge.ts';
import { createGetJson } from './http-retry.ts';
import { schedules } from './schedules.ts';
import { createUserClient } from './usage.ts';

describe('README examples', () => {
  it('schedules.ts prints the sequences shown in the README', () => {
    expect(schedules).toEqual({
      exponential: [100, 200, 400, 800, 1000, 1000],
      linearCapped: [100, 200, 250, 250],
      fullJitter: [50, 100, 200, 400],
      decorrelated: [200, 350, 575, 912.5],
    });
  });

  describe('http-retry.ts against a loopback server', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
      server = undefined;
    });

    async function serve(statuses: number[]): Promise<{ url: string; requests: () => number }> {
      let requests = 0;
      server = createServer((_, response) => {
        const status = statuses[requests++] ?? 200;
        if (status === 503) response.writeHead(503, { 'retry-after': '2' }).end('busy');
        else response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      return { url: `http://127.0.0.1:${port}/`, requests: () => requests };
    }

    it('usage.ts retries a failed request and returns the JSON', async () => {
      const { url, requests } = await serve([500, 200]);
      const clock = new ManualClock();
      const getUser = createUserClient(url.slice(0, -1), clock);
      const result = getUser(42);
      await vi.waitUntil(() => clock.pending === 1, { timeout: 5_000, interval: 5 });
      await clock.runAll();
      await expect(result).resolves.toEqual({ ok: true });
      expect(requests()).toBe(2);
    });

    it('usage.ts rejects with the reason when the caller aborts during the backoff wait', async () => {
      const { url, requests } = await serve([500, 200]);
      const clock = new ManualClock();
      const getUser = createUserClient(url.slice(0, -1), clock);
      const controller = new AbortController();
      const result = getUser(42, controller.signal);
      await vi.waitUntil(() => clock.pending === 1, { timeout: 5_000, interval: 5 });
      controller.abort(new Error('navigated away'));
      await expect(result).rejects.toThrow('navigated away');
      expect(requests()).toBe(1);
    });

    it("waits the server's Retry-After, then returns the JSON", async () => {
      const { url, requests } = await serve([503, 200]);
      const clock = new ManualClock();
      const getJson = createGetJson({ clock, random: () => 0 });
      const result = getJson(url);
      await vi.waitUntil(() => clock.pending === 1, { timeout: 5_000, interval: 5 });
      expect(clock.nextDue).toBe(2_000);
      await clock.advance(2_000);
      await expect(result).resolves.toEqual({ ok: true });
      expect(requests()).toBe(2);
    });

    it('stops retrying when the shared budget is spent', async () => {
      const { url, requests } = await serve([503, 503, 503]);
      const clock = new ManualClock();
      const budget = retryBudget({ ratio: 0, minPerSecond: 0, clock });
      const getJson = createGetJson({ clock, budget });
      await expect(getJson(url)).rejects.toThrow(/503 after 1 attempts/);
      expect(requests()).toBe(1);
    });
  });

  describe('hedge.ts', () => {
    it('asks a second replica after 50 ms, returns the first answer and cancels the slow read', async () => {
      const clock = new ManualClock();
      const signals: AbortSignal[] = [];
      const { get, reads } = createHedgedReader((key, signal) => {
        signals.push(signal);
        // The first replica hangs (until its signal aborts); the second answers at once.
        if (signals.length === 1)
          return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
        return Promise.resolve(`${key} from replica ${signals.length}`);
      }, clock);
      const value = get('user:42');
      await clock.advance(50);
      expect(await value).toBe('user:42 from replica 2');
      expect(signals.map((s) => s.aborted)).toEqual([true, false]);
      expect(reads.status()).toMatchObject({ calls: 1, hedges: 1, hedgeWins: 1, running: 0 });
      await flushMicrotasks();
      expect(clock.pending).toBe(0);
    });

    it('hedges a failed read at once; when both replicas fail, the call fails with the last error', async () => {
      const clock = new ManualClock();
      let reads = 0;
      const { get } = createHedgedReader(async () => {
        reads++;
        throw new Error('replica down');
      }, clock);
      await expect(get('k')).rejects.toThrow('replica down');
      expect(reads).toBe(2);
    });
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of ['hedge.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(
        `<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``,
      );
    }
  });
});
