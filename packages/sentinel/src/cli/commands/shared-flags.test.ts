import { startChaosServer } from '@sentinel/chaos';
import { describe, expect, it } from 'vitest';
import { createResilientClient } from '../../resilient-client/create-resilient-client.ts';
import { workerClientOptions } from './shared-flags.ts';

describe('workerClientOptions (the clients of load and scrape workers)', () => {
  it('keeps the preset and headers and gives each worker one connection per origin', async () => {
    const options = workerClientOptions('hft', [['x-run', '7']]);
    expect(options).toEqual({ preset: 'hft', headers: [['x-run', '7']], connections: 1 });
    await using server = await startChaosServer({ seed: 1 });
    await using client = createResilientClient(options);
    // Three at once through one worker's client: they queue on its one connection (a client with
    // the presets' connections would open three).
    const responses = await Promise.all([1, 2, 3].map(() => client.get(`${server.url}/`)));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(server.stats()).toMatchObject({ requests: 3, connections: 1 });
  });
});
