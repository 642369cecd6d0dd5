import { isCircuitOpenError } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { type Client, isHttpError } from '@sentinel/client';
import { isConfigError, type Policy } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { presets } from '../presets/presets.ts';
import { buildPresetPolicies, createResilientClient } from './create-resilient-client.ts';

// Jitter drawn as 0 makes every full-jitter backoff 0 ms: retries happen at once, no clock needed.
const noWait = () => 0;

let server: ChaosServer;
const clients: Client[] = [];
const make = (options: Parameters<typeof createResilientClient>[0]) => {
  const client = createResilientClient({ baseUrl: server.url, random: noWait, ...options });
  clients.push(client);
  return client;
};

beforeEach(async () => {
  server = await startChaosServer({ seed: 11 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server.close();
});

const breakerState = (client: Client) =>
  (Object.values(client.status().breakers)[0] as { state: string } | undefined)?.state;

describe('createResilientClient', () => {
  it('production by default: retries a 503 up to 5 attempts and succeeds', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 4 }]);
    const response = await make({}).get('/flaky');
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(5);
    expect(server.stats().byPath['/flaky']).toBe(5);
  });

  it('development: 3 attempts, then the HttpError; no breaker', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const client = make({ preset: 'development' });
    const error = await client.get('/down').catch((e: unknown) => e);
    expect(isHttpError(error) && error.status).toBe(503);
    expect(server.stats().byPath['/down']).toBe(3);
    expect(client.status().breakers).toEqual({});
  });

  it('hft: the breaker opens after 3 failing requests and the next fails fast without reaching the server', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const client = make({ preset: 'hft', retry: false });
    for (let i = 0; i < 3; i++) await client.get('/down').catch(() => undefined);
    expect(breakerState(client)).toBe('open');
    const before = server.stats().requests;
    const error = await client.get('/down').catch((e: unknown) => e);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(server.stats().requests).toBe(before);
  });

  it('two clients from one preset never share a breaker (client-per-worker rule)', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const a = make({ preset: 'hft', retry: false });
    const b = make({ preset: 'hft', retry: false });
    for (let i = 0; i < 3; i++) await a.get('/down').catch(() => undefined);
    expect(breakerState(a)).toBe('open');
    expect(breakerState(b)).toBeUndefined();
    const error = await b.get('/down').catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true); // reached the server: b's breaker is its own
    expect(breakerState(b)).toBe('closed');
  });

  it('two clients never share a limiter', async () => {
    const clock = new ManualClock();
    const options = { rateLimit: { requestsPerSecond: 1, burst: 1 }, clock } as const;
    const a = make(options);
    const b = make(options);
    await a.get('/one');
    expect((a.status().limiter as { tokens: number }).tokens).toBe(0);
    expect((b.status().limiter as { tokens: number }).tokens).toBe(1);
  });

  it('builds new policy objects on every call', () => {
    const first = buildPresetPolicies(presets.production, undefined, undefined);
    const second = buildPresetPolicies(presets.production, undefined, undefined);
    expect(first.retry).toBeDefined();
    expect(first.retry).not.toBe(second.retry);
    expect(first.breaker).not.toBe(second.breaker);
    const factory = first.breaker as (origin: string) => Policy;
    expect(factory('http://a')).not.toBe(factory('http://a'));
    const limited = { ...presets.development, rateLimit: { requestsPerSecond: 5, burst: 5, maxWaitMs: 1 } };
    expect(buildPresetPolicies(limited, undefined, undefined).rateLimit).not.toBe(
      buildPresetPolicies(limited, undefined, undefined).rateLimit,
    );
  });

  it('a policy given as a value replaces that layer and is used as it is', async () => {
    let calls = 0;
    const counting: Policy = {
      execute: (fn, options) => {
        calls++;
        return Promise.resolve(fn({ signal: options?.signal ?? new AbortController().signal, attempt: 1 }));
      },
    };
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const error = await make({ retry: counting })
      .get('/flaky')
      .catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true); // no preset retry underneath
    expect(calls).toBe(1);
  });

  it('passes createClient options through and validates them there', async () => {
    const client = make({ preset: 'development', headers: { 'x-team': 'blue' }, throwOnHttpError: false });
    server.route('/missing', [{ type: 'status', status: 404 }]);
    expect((await client.get('/missing')).status).toBe(404);
    const echo = await client.get('/echo').then((r) => r.json<{ headers: [string, string][] }>());
    expect(echo.headers).toContainEqual(['x-team', 'blue']);
    expect(() => createResilientClient({ maxRedirects: -1 })).toThrow(/maxRedirects/);
  });

  it('unknown preset or knob: ConfigError listing the valid ones', () => {
    expect(() => createResilientClient({ preset: 'staging' as 'production' })).toThrow(
      /"preset" must be one of "development", "production", "hft"; received "staging"/,
    );
    try {
      createResilientClient({ retries: 3 } as never);
      expect.unreachable();
    } catch (error) {
      expect(isConfigError(error) && error.owner).toBe('createResilientClient');
      expect((error as Error).message).toMatch(/"retries" must be one of the known options \(preset, retry, breaker/);
    }
  });
});
