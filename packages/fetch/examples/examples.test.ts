import { readFileSync } from 'node:fs';
import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFetch, loadUser } from './resilient-fetch.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 5 });
});
afterEach(async () => {
  await server.close();
});

describe('README examples', () => {
  it('resilient-fetch.ts retries a 502 and loads the user', async () => {
    server.route('/users/42', [{ type: 'status', status: 502, times: 1 }]);
    const clock = new ManualClock();
    const loading = loadUser(createFetch(clock), server.url);
    await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0), { timeout: 5_000, interval: 1 });
    await clock.advance(4_000);
    expect(((await loading) as EchoBody).url).toBe('/users/42');
    expect(server.stats().requests).toBe(2);
  });

  it('the README shows the example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./resilient-fetch.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/resilient-fetch.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });
});
