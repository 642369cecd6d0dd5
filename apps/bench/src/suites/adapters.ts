/**
 * @sentinel/fetch and @sentinel/axios against their bare clients (and axios-retry) on loopback,
 * nothing failing: the price of the policies on the happy path. Goal: ≤ 5 % over the plain client.
 */
import { Agent as HttpAgent } from 'node:http';
import { withSentinel as axiosWithSentinel } from '@sentinel/axios';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { withSentinel as fetchWithSentinel } from '@sentinel/fetch';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import axios from 'axios';
import axiosRetry from 'axios-retry';
import type { Reporter } from '../harness.ts';
import { spawnServer } from '../servers/spawn.ts';

/** retry + breaker + a bucket that never limits: the full stack with nothing to do. */
function fullStack() {
  return {
    retry: retry({ maxAttempts: 3, backoff: constant(10) }),
    breaker: circuitBreaker({ trigger: consecutive({ threshold: 5 }) }),
    rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) }),
  };
}

export default async function adaptersSuite(report: Reporter): Promise<void> {
  const server = await spawnServer('ok-server');
  try {
    const url = `${server.url}/item`;
    const plainFetch = () => fetch(url).then((r) => r.arrayBuffer());
    const bare = fetchWithSentinel(fetch);
    const stacked = fetchWithSentinel(fetch, fullStack());
    const stackedWithTimeout = fetchWithSentinel(fetch, { ...fullStack(), timeout: 10_000 });
    // The A/A row times the baseline again as if it were a case: its distance from 1.00× is the
    // noise floor of this run, the smallest overhead these figures can show.
    const rounds = { rounds: 15, iterations: 300 };
    await report.interleaved(
      'fetch on loopback (server in another process), sequential',
      { name: 'fetch', fn: plainFetch },
      [
        { name: 'fetch again (A/A control: the noise floor)', fn: plainFetch },
        { name: '@sentinel/fetch, no policies', fn: () => bare(url).then((r) => r.arrayBuffer()) },
        { name: '@sentinel/fetch, retry + breaker + limiter', fn: () => stacked(url).then((r) => r.arrayBuffer()) },
        {
          name: '@sentinel/fetch, … + per-attempt timeout',
          fn: () => stackedWithTimeout(url).then((r) => r.arrayBuffer()),
        },
      ],
      rounds,
    );

    // One keep-alive agent per instance, so every client reuses its connections the same way.
    const make = () => axios.create({ baseURL: server.url, httpAgent: new HttpAgent({ keepAlive: true }) });
    const plain = make();
    const withAxiosRetry = make();
    axiosRetry(withAxiosRetry, { retries: 2 });
    const withRetry = make();
    axiosWithSentinel(withRetry, { retry: retry({ maxAttempts: 3, backoff: constant(10) }) });
    const withStack = make();
    axiosWithSentinel(withStack, fullStack());
    await report.interleaved(
      'axios on loopback (server in another process), sequential',
      { name: 'axios', fn: () => plain.get('/item') },
      [
        { name: 'axios again (A/A control: the noise floor)', fn: () => plain.get('/item') },
        { name: 'axios + axios-retry', fn: () => withAxiosRetry.get('/item') },
        { name: 'axios + @sentinel/axios retry', fn: () => withRetry.get('/item') },
        { name: 'axios + @sentinel/axios retry + breaker + limiter', fn: () => withStack.get('/item') },
      ],
      rounds,
    );
  } finally {
    await server.close();
  }
}
