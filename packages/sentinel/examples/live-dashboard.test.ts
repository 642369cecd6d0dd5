import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { ReportDocument } from 'http-sentinel/report';
import { describe, expect, it, vi } from 'vitest';
import { liveReport } from './live-dashboard.ts';

const doc = (title: string, status: NonNullable<ReportDocument['status']>): ReportDocument => ({
  title,
  status,
  phases: [],
});

function page(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

describe('README example: live-dashboard.ts', () => {
  it('serves the first document, then each update, on 127.0.0.1 until closed', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    async function* updates() {
      yield doc('second', 'running');
      yield doc('done', 'finished');
    }
    const dashboard = await liveReport(doc('first', 'running'), updates());
    try {
      expect(log).toHaveBeenCalledWith(`open ${dashboard.url}`);
      expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const html = await page(dashboard.url);
      expect(html).toContain('<title>done</title>');
      expect(html).toContain('data-live-url="/events"');
    } finally {
      log.mockRestore();
      await dashboard.close();
    }
  });

  it('is shown in the README exactly as it is', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./live-dashboard.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/live-dashboard.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });
});
