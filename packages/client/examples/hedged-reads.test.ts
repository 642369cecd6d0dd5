import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { startChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { createCatalogueClient } from './hedged-reads.ts';

describe('README example: hedged reads', () => {
  it('sends a slow GET once more after 100 ms and returns the first answer; a POST is sent once', async () => {
    await using server = await startChaosServer({
      routes: { '/items/1': [{ type: 'hang', times: 1 }], '/orders': [{ type: 'hang', times: 1 }] },
    });
    const clock = new ManualClock();
    await using client = createCatalogueClient(server.url, clock);
    const read = client.get('/items/1');
    for (let i = 0; i < 2_000 && server.stats().requests < 1; i++) await delay(5);
    await clock.advance(100);
    expect((await read).status).toBe(200);
    expect(server.stats().byPath['/items/1']).toBe(2);

    const controller = new AbortController();
    const write = client.post('/orders', { json: { item: 'book' }, signal: controller.signal }).catch(() => 'aborted');
    for (let i = 0; i < 2_000 && server.stats().byPath['/orders'] === undefined; i++) await delay(5);
    await clock.advance(1_000);
    controller.abort();
    expect(await write).toBe('aborted');
    expect(server.stats().byPath['/orders']).toBe(1);
  });

  it('the README shows the example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./hedged-reads.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/hedged-reads.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });
});
