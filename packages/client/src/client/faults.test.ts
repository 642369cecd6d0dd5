import type { ChaosServer, Fault } from '@sentinel/chaos';
import { retryAfterOf } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../errors.ts';
import { simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import type { Client } from './client.ts';

// Every transient fault of the chaos server, once, then recovery: the documented error is what
// the retry saw, and the GET succeeds on the second attempt. The phase timeouts leave a healthy
// attempt room on a busy machine (a 40 ms headers timeout failed the recovery attempt under load);
// the faults that must time out stall far longer than them.
let server: ChaosServer;
let client: Client;
useChaosServers(
  1,
  ([started], make) => {
    server = started;
    client = make({
      baseUrl: server.url,
      retry: simpleRetry({ maxAttempts: 2, clock: new ManualClock() }),
      timeouts: { headersMs: 500, bodyIdleMs: 500, totalMs: 10_000 },
    });
  },
  { seed: 3 },
);

describe('recovery from each transient fault', () => {
  it.each<[string, Fault, string]>([
    ['503', { type: 'status', status: 503, times: 1 }, 'SENTINEL_HTTP_ERROR:503'],
    ['429 with Retry-After 0', { type: 'rate-limit', retryAfter: '0', times: 1 }, 'SENTINEL_HTTP_ERROR:429'],
    ['reset before headers', { type: 'reset-before-headers', times: 1 }, 'SENTINEL_NETWORK'],
    ['reset mid-body', { type: 'reset-mid-body', times: 1 }, 'SENTINEL_NETWORK'],
    ['truncated body', { type: 'truncated-body', declared: 100, sent: 5, times: 1 }, 'SENTINEL_NETWORK'],
    ['hang', { type: 'hang', times: 1 }, 'SENTINEL_TIMEOUT:headers'],
    ['slow body', { type: 'slow-body', size: 1_000, bytesPerSecond: 1, times: 1 }, 'SENTINEL_TIMEOUT:body'],
    ['latency beyond the headers timeout', { type: 'echo', latencyMs: 3_000, times: 1 }, 'SENTINEL_TIMEOUT:headers'],
  ])('%s', async (_title, fault, seen) => {
    server.route('/x', fault);
    const errors: string[] = [];
    const { subscribe, unsubscribe } = await import('node:diagnostics_channel');
    const listener = (message: unknown) => {
      const error = (message as { error: { code: string; status?: number; phase?: string } }).error;
      errors.push([error.code, error.status ?? error.phase].filter((x) => x !== undefined).join(':'));
    };
    subscribe('sentinel:client:error', listener);
    try {
      const response = await client.get('/x');
      expect(response.status).toBe(200);
      expect(response.attempts).toBe(2);
    } finally {
      unsubscribe('sentinel:client:error', listener);
    }
    expect(errors).toEqual([seen]);
  });

  it('a DNS failure asks for an immediate retry', () => {
    const error = new NetworkError('http://x.invalid/', 'ENOTFOUND', false, undefined);
    expect(retryAfterOf(error)).toBe(0);
    expect(retryAfterOf(new NetworkError('http://x/', 'ECONNRESET', true, undefined))).toBeUndefined();
  });
});
