import { readFileSync } from 'node:fs';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { isHttpError } from '@sentinel/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from './gateway.ts';
import { smokeLoad } from './load-test.ts';
import { runJobs } from './migration.ts';
import { scrape } from './scraper.ts';

const FILES = ['gateway.ts', 'scraper.ts', 'load-test.ts', 'migration.ts'];

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 3 });
});
afterEach(async () => {
  await server.close();
});

describe('README examples', () => {
  it('gateway.ts proxies calls through per-worker clients and honours the caller signal', async () => {
    const gateway = await createGateway(server.url);
    const answer = await gateway.get('/users/7');
    expect(answer).toMatchObject({ status: 200, body: { method: 'GET', url: '/users/7' } });
    const reason = new Error('client hung up');
    await expect(gateway.get('/users/8', AbortSignal.abort(reason))).rejects.toBe(reason);
    const stats = gateway.pool.stats();
    expect(stats.workers).toHaveLength(16);
    expect(stats).toMatchObject({ completed: 1, rejected: 1 });
    await gateway.pool.close();
  });

  it('scraper.ts yields one result per page and keeps failures as results', async () => {
    server.route('/catalogue', { type: 'status', status: 404, times: 1 });
    const { titles, failures, stats } = await scrape(server.url, 40);
    expect(titles.size + failures.length).toBe(40);
    expect(failures).toHaveLength(1);
    expect(isHttpError(failures[0]?.error)).toBe(true);
    expect(stats.completed + stats.failed).toBe(40);
  });

  it('load-test.ts runs 20 × 50 requests and returns JSON and a table', async () => {
    server.setFaults({ type: 'status', status: 503, rate: 0.05 });
    const { report, table } = await smokeLoad(`${server.url}/health`);
    expect(report.requests).toBe(1_000);
    expect(report.successRate).toBeGreaterThanOrEqual(0.99);
    expect(report.attempts).toBe(server.stats().requests);
    expect(table).toContain('1,000 requests in');
  });

  it('migration.ts runs each job on a worker with its own client', async () => {
    const { statuses, perWorker } = await runJobs(server.url, ['/a', '/b', '/c', '/d', '/e', '/f']);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(perWorker).toHaveLength(4);
    expect(perWorker.reduce((sum: number, s) => sum + (s as { requests: number }).requests, 0)).toBe(6);
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of FILES) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(source);
    }
  });
});
