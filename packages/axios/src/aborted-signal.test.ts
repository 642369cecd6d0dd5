import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import type { Policy } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios, { type AxiosAdapter, type AxiosInstance, CanceledError } from 'axios';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SentinelAxiosOptions } from './options.ts';
import { withSentinel } from './with-sentinel.ts';

// Plain axios rejects an aborted request with its CanceledError (`axios.isCancel`), and
// @sentinel/axios promises what plain axios gives: that is how "the signal's reason" reaches an
// axios caller. Whatever the transport and the policies do, nothing may be sent.

let server: ChaosServer;
let clock: ManualClock;
let client: AxiosInstance;

beforeEach(async () => {
  server = await startChaosServer({ seed: 5 });
  clock = new ManualClock();
  client = axios.create({ baseURL: server.url });
});

afterEach(async () => {
  await server.close();
});

/** A transport that does not support abort (a hand-written adapter): it never looks at the signal. */
const signalBlind: AxiosAdapter = ({ signal: _ignored, ...config }) => axios.getAdapter('http')(config);

const transports: [string, AxiosAdapter | 'http' | 'fetch'][] = [
  ["axios's http adapter", 'http'],
  ["axios's fetch adapter", 'fetch'],
  ['an adapter that ignores signals', signalBlind],
];

const stacks: [string, () => SentinelAxiosOptions][] = [
  ['no policies', () => ({})],
  [
    'retry → breaker → rate limit → timeout',
    () => ({
      retry: retry({ maxAttempts: 3, backoff: constant(100), clock }),
      breaker: circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock }),
      rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1, refillPerSecond: 1, clock }) }),
      timeout: 1_000,
      clock,
    }),
  ],
];

/**
 * A home-made policy that waits (a queue, a lock) without watching the caller's signal, then runs
 * fn with a signal of its own that never aborts.
 */
function gatedPolicy(): { policy: Policy; release: () => void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    policy: { execute: async (fn) => gate.then(() => fn({ signal: new AbortController().signal, attempt: 1 })) },
    release,
  };
}

describe.each(transports)('an aborted signal, over %s', (_, transport) => {
  beforeEach(() => {
    client.defaults.adapter = transport;
  });

  describe.each(stacks)('with %s', (_, options) => {
    it.each([
      ['a GET', {}],
      ['a POST declared idempotent', { method: 'post', data: 'x', sentinel: { idempotent: true } }],
      ['a request with sentinel: false', { sentinel: false }],
    ] as const)('%s aborted before it starts rejects with CanceledError and sends nothing', async (_, config) => {
      withSentinel(client, options());
      const error = await client
        .request({ url: '/never', signal: AbortSignal.abort(new Error('left')), ...config })
        .catch((e: unknown) => e);
      expect(axios.isCancel(error)).toBe(true);
      expect(server.stats().requests).toBe(0);
      expect(server.stats().connections).toBe(0);
      expect(clock.pending).toBe(0);
    });
  });

  it('a signal aborted while a policy that ignores signals was waiting: the attempt is not sent', async () => {
    const { policy, release } = gatedPolicy();
    withSentinel(client, { policies: [policy] });
    const controller = new AbortController();
    const call = client.get('/never', { signal: controller.signal }).catch((e: unknown) => e);
    controller.abort(new Error('gave up while queued'));
    release();
    const error = await call;
    expect(error).toBeInstanceOf(CanceledError);
    expect((error as CanceledError<unknown>).config?.url).toBe('/never');
    expect(server.stats().requests).toBe(0);
  });

  it('the installed adapter, called directly with an aborted signal, sends nothing', async () => {
    const sentinelAdapter = (() => {
      withSentinel(client, { retry: retry({ maxAttempts: 3, backoff: constant(1), clock }) });
      return client.defaults.adapter as AxiosAdapter;
    })();
    for (const sentinel of [undefined, false] as const) {
      const config = { ...client.defaults, url: `${server.url}/never`, method: 'get', sentinel };
      const error = await sentinelAdapter({
        ...config,
        headers: new axios.AxiosHeaders(),
        signal: AbortSignal.abort(),
      }).catch((e: unknown) => e);
      expect(axios.isCancel(error)).toBe(true);
    }
    expect(server.stats().requests).toBe(0);
  });
});
