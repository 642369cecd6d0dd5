import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import type { Policy } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { fetch as undiciFetch } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FetchLike, SentinelFetchOptions, SentinelRequestInit } from './options.ts';
import { withSentinel } from './with-sentinel.ts';

let server: ChaosServer;
let clock: ManualClock;

beforeEach(async () => {
  server = await startChaosServer({ seed: 3 });
  clock = new ManualClock();
});

afterEach(async () => {
  await server.close();
});

/** A fetch that does not support abort (older polyfills, some test doubles): it never looks at the signal. */
const signalBlindFetch: FetchLike = (input, init) => globalThis.fetch(input, { ...init, signal: null });

const fetches = [
  ['the global fetch', globalThis.fetch as FetchLike],
  ["undici's fetch", undiciFetch as unknown as FetchLike],
  ['a fetch that ignores signals', signalBlindFetch],
] as const;

const stacks: [string, () => SentinelFetchOptions][] = [
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
  [
    'a policy that ignores the caller’s signal',
    () => ({ policies: [{ execute: (fn) => fn({ signal: new AbortController().signal, attempt: 1 }) } as Policy] }),
  ],
];

const inits: [string, (signal: AbortSignal) => SentinelRequestInit][] = [
  ['init.signal', (signal) => ({ signal })],
  [
    'init.signal on a POST declared idempotent',
    (signal) => ({ signal, method: 'POST', body: 'x', sentinel: { idempotent: true } }),
  ],
  ['init.signal with sentinel: false', (signal) => ({ signal, sentinel: false })],
];

describe.each(fetches)('an already-aborted signal, around %s', (_, fetchImpl) => {
  describe.each(stacks)('with %s', (_, options) => {
    it.each(inits)('%s: rejects with the signal’s reason and sends nothing', async (_, init) => {
      const sentinelFetch = withSentinel(fetchImpl, options());
      const reason = new Error('the user left before the request started');
      const signal = AbortSignal.abort(reason);
      await expect(sentinelFetch(`${server.url}/never`, init(signal))).rejects.toBe(reason);
      expect(server.stats().requests).toBe(0);
      expect(server.stats().connections).toBe(0);
      expect(clock.pending).toBe(0);
    });
  });

  it('a Request carrying an aborted signal rejects with its reason and sends nothing', async () => {
    const sentinelFetch = withSentinel(fetchImpl, { retry: retry({ maxAttempts: 3, backoff: constant(1), clock }) });
    const reason = new Error('gone');
    const request = new Request(`${server.url}/never`, { signal: AbortSignal.abort(reason) });
    await expect(sentinelFetch(request)).rejects.toBe(reason);
    expect(server.stats().requests).toBe(0);
  });

  it('abort() without a reason rejects with the platform’s AbortError, the signal’s own reason', async () => {
    const sentinelFetch = withSentinel(fetchImpl, {});
    const controller = new AbortController();
    controller.abort();
    const error = await sentinelFetch(`${server.url}/never`, { signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBe(controller.signal.reason);
    expect((error as DOMException).name).toBe('AbortError');
    expect(server.stats().requests).toBe(0);
  });

  it('an aborted signal neither counts as a breaker failure nor takes a rate-limit permit', async () => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    const limiter = tokenBucket({ capacity: 1, refillPerSecond: 1, clock });
    const sentinelFetch = withSentinel(fetchImpl, { breaker, rateLimit: rateLimit({ limiter }) });
    await expect(sentinelFetch(`${server.url}/never`, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(breaker.status().state).toBe('closed');
    expect((await sentinelFetch(`${server.url}/after`)).status).toBe(200);
    expect(server.stats().requests).toBe(1);
  });

  it('a signal aborted while a policy that ignores signals was waiting: the attempt is not sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A home-made policy that waits (a queue, a lock) without watching the caller's signal, then
    // runs fn with a signal of its own that never aborts.
    const queue: Policy = {
      execute: async (fn) => gate.then(() => fn({ signal: new AbortController().signal, attempt: 1 })),
    };
    const sentinelFetch = withSentinel(fetchImpl, { policies: [queue] });
    const controller = new AbortController();
    const call = sentinelFetch(`${server.url}/never`, { signal: controller.signal });
    const reason = new Error('gave up while queued');
    controller.abort(reason);
    release();
    await expect(call).rejects.toBe(reason);
    expect(server.stats().requests).toBe(0);
  });

  it('a polyfilled signal (no throwIfAborted, no reason) is refused the same way', async () => {
    const sentinelFetch = withSentinel(fetchImpl, { retry: retry({ maxAttempts: 3, backoff: constant(1), clock }) });
    const polyfilled = { aborted: true, addEventListener() {}, removeEventListener() {} } as unknown as AbortSignal;
    const error = await sentinelFetch(`${server.url}/never`, { signal: polyfilled }).catch((e: unknown) => e);
    expect((error as DOMException).name).toBe('AbortError');
    expect(server.stats().requests).toBe(0);
  });
});
