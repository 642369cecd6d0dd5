import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchUsers } from './full-stack.ts';
import { loadReport } from './report.ts';
import { fetchOrder } from './resilient-client.ts';
import { scrape } from './scraper.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 8 });
});
afterEach(() => server.close());

describe('README examples', () => {
  it('resilient-client.ts retries a 503 (production preset) and fails fast on a 404', async () => {
    server.route('/orders/1', [{ type: 'status', status: 503, times: 1 }]);
    server.route('/orders/2', [{ type: 'status', status: 404 }]);
    expect(await fetchOrder(server.url, 1)).toMatchObject({ method: 'GET', url: '/orders/1' });
    expect(server.stats().byPath['/orders/1']).toBe(2);
    expect(await fetchOrder(server.url, 2)).toBeUndefined();
    expect(server.stats().byPath['/orders/2']).toBe(1); // a 404 is not retried
  });

  it('scraper.ts fetches every URL once through 8 workers, 404s included', async () => {
    server.route('/p/3', [{ type: 'status', status: 404 }]);
    const pages = await scrape(Array.from({ length: 30 }, (_, i) => `${server.url}/p/${i}`));
    expect(pages).toHaveLength(30);
    expect(pages.filter((p) => p.status === 404)).toHaveLength(1);
    expect(server.stats().requests).toBe(30);
  });

  it('report.ts writes a self-contained page of a load test', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sentinel-example-'));
    try {
      const file = join(folder, 'report.html');
      const report = await loadReport(`${server.url}/x`, file);
      expect(report.requests).toBe(100);
      expect(readFileSync(file, 'utf8')).toContain('Load test of');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('full-stack.ts fetches through a pool of resilient workers, retrying a 503', async () => {
    server.route('/users/2', [{ type: 'status', status: 503, times: 2 }]);
    const users = (await fetchUsers(server.url, [1, 2, 3])) as { url: string }[];
    expect(users.map((u) => u.url)).toEqual(['/users/1', '/users/2', '/users/3']);
    expect(server.stats().byPath['/users/2']).toBe(3);
  });

  it('the README shows every example exactly as it is in examples/ (the root README the five-line one)', () => {
    const root = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const fullStack = readFileSync(new URL('./full-stack.ts', import.meta.url), 'utf8').trim();
    expect(root).toContain(`<!-- packages/sentinel/examples/full-stack.ts -->\n\`\`\`ts\n${fullStack}\n\`\`\``);
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const name of ['resilient-client.ts', 'scraper.ts', 'report.ts', 'full-stack.ts']) {
      const source = readFileSync(new URL(`./${name}`, import.meta.url), 'utf8').trim();
      expect(readme).toContain(`<!-- examples/${name} -->\n\`\`\`ts\n${source}\n\`\`\``);
    }
  });
});
