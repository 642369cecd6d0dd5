import { isConfigError } from '@sentinel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChaosServer, startChaosServer } from './chaos-server.ts';

let server: ChaosServer | undefined;
const controllers: AbortController[] = [];
afterEach(async () => {
  for (const controller of controllers.splice(0)) controller.abort();
  await server?.close();
  server = undefined;
});

/** Sends a request that the `/hang` route holds open until the test aborts it. */
function hold(s: ChaosServer): AbortController {
  const controller = new AbortController();
  controllers.push(controller);
  fetch(`${s.url}/hang`, { signal: controller.signal }).catch(() => {});
  return controller;
}

/** Waits (bounded) until the server's stats satisfy `ready`. */
async function until(s: ChaosServer, ready: (stats: ReturnType<ChaosServer['stats']>) => boolean): Promise<void> {
  for (let i = 0; i < 1_000 && !ready(s.stats()); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  expect(ready(s.stats())).toBe(true);
}

async function status(s: ChaosServer, path = '/x'): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${s.url}${path}`);
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

describe('chaos server capacity', () => {
  it('serves maxInFlight requests at once and refuses the others at once, before any fault', async () => {
    const s = await startChaosServer({
      routes: { '/hang': { type: 'hang' }, '/x': { type: 'status', status: 418, times: 1 } },
      capacity: { maxInFlight: 2, retryAfter: '1' },
    });
    server = s;
    hold(s);
    hold(s);
    await until(s, (stats) => stats.inFlight === 2);
    expect(await status(s)).toEqual({ status: 503, retryAfter: '1' });
    expect(s.stats()).toMatchObject({ requests: 3, inFlight: 2, peakInFlight: 2, overCapacity: 1 });
    // The refusal did not consume the route's one-shot fault.
    for (const controller of controllers.splice(0)) controller.abort();
    await until(s, (stats) => stats.inFlight === 0);
    expect(await status(s)).toEqual({ status: 418, retryAfter: null });
    expect(s.stats()).toMatchObject({ peakInFlight: 2, overCapacity: 1 });
  });

  it('is switched at run time: raised, removed, set again', async () => {
    const s = await startChaosServer({ routes: { '/hang': { type: 'hang' } } });
    server = s;
    hold(s);
    await until(s, (stats) => stats.inFlight === 1);
    s.setCapacity({ maxInFlight: 1, status: 429 });
    expect((await status(s)).status).toBe(429);
    s.setCapacity({ maxInFlight: 2 });
    hold(s);
    await until(s, (stats) => stats.inFlight === 2);
    expect((await status(s)).status).toBe(503);
    s.setCapacity(undefined);
    expect((await status(s)).status).toBe(200);
    expect(s.stats()).toMatchObject({ inFlight: 2, overCapacity: 2 });
    s.resetStats();
    expect(s.stats()).toMatchObject({ requests: 0, inFlight: 2, peakInFlight: 2, overCapacity: 0 });
  });

  it('maxInFlight 0 refuses everything', async () => {
    const s = await startChaosServer({ capacity: { maxInFlight: 0 } });
    server = s;
    expect((await status(s)).status).toBe(503);
    expect(s.stats()).toMatchObject({ peakInFlight: 0, overCapacity: 1 });
  });

  it.each<[string, unknown, string]>([
    ['a negative maxInFlight', { maxInFlight: -1 }, 'capacity.maxInFlight'],
    ['a fractional maxInFlight', { maxInFlight: 1.5 }, 'capacity.maxInFlight'],
    ['a missing maxInFlight', {}, 'capacity.maxInFlight'],
    ['a status out of range', { maxInFlight: 1, status: 99 }, 'capacity.status'],
    ['a Retry-After with CR/LF', { maxInFlight: 1, retryAfter: '1\r\nx: y' }, 'capacity.retryAfter'],
    ['an unknown field', { maxInFlight: 1, max: 2 }, 'max'],
    ['a number instead of an object', 20, 'options'],
  ])('refuses %s', async (_title, capacity, option) => {
    const error = await startChaosServer({ capacity: capacity as never }).catch((e: unknown) => e);
    expect(isConfigError(error)).toBe(true);
    expect(error).toMatchObject({ option });
  });

  it('setCapacity validates too, and keeps the old capacity when refused', async () => {
    const s = await startChaosServer({ capacity: { maxInFlight: 0 } });
    server = s;
    expect(() => s.setCapacity({ maxInFlight: Number.NaN })).toThrow(
      /"setCapacity.maxInFlight" must be an integer >= 0/,
    );
    expect((await status(s)).status).toBe(503);
  });
});
