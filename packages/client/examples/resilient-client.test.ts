import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { download, placeAndFetch } from './resilient-client.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({
    routes: {
      // One reset after the POST was written: safe to retry only because of the idempotency key.
      '/orders': [{ type: 'reset-before-headers', times: 1 }],
      '/orders/unknown': { type: 'status', status: 404 },
      '/file': { type: 'oversized-body', size: 300_000 },
    },
  });
});
afterEach(async () => {
  await server.close();
});

describe('README examples', () => {
  it('retries a keyed POST after a reset and reports a 404 as an HttpError', async () => {
    expect(await placeAndFetch(server.url)).toEqual({ created: 200, missing: true });
    const keys = Object.values(server.stats().byIdempotencyKey);
    expect(keys).toEqual([2]);
  });

  it('streams a download', async () => {
    expect(await download(server.url, '/file')).toBe(300_000);
  });
});
