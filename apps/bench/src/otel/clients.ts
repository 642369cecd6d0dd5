/**
 * The clients the otel suite compares. Each table has a baseline and an A/A control built the
 * same way, so a difference between them is the noise floor; building them side by side here
 * keeps the pairs identical.
 */
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { type Client, createClient } from '@sentinel/client';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

const CONNECTIONS = 64;

/** A client with retry, breaker and token bucket, and those policies for `instrumentPolicy`. */
export interface FullStack {
  readonly client: Client;
  readonly policies: {
    readonly breaker: ReturnType<typeof circuitBreaker>;
    readonly retry: ReturnType<typeof retry>;
    readonly limit: ReturnType<typeof rateLimit>;
  };
}

/** Every client of the suite; `all` lists them for closing. */
export interface BenchClients {
  readonly full: FullStack;
  readonly fullControl: FullStack;
  readonly bare: Client;
  readonly bareControl: Client;
  readonly traceOff: Client;
  readonly traceOn: Client;
  readonly all: readonly Client[];
}

/** Builds the suite's clients against `baseUrl`, each with 64 connections. */
export function createClients(baseUrl: string): BenchClients {
  const fullStack = (): FullStack => {
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 1_000 });
    const policy = retry({ maxAttempts: 3, backoff: constant(10) });
    const limit = rateLimit({ limiter: tokenBucket({ capacity: 1e9, refillPerSecond: 1e9 }) });
    const client = createClient({ baseUrl, connections: CONNECTIONS, retry: policy, breaker, rateLimit: limit });
    return { client, policies: { breaker, retry: policy, limit } };
  };
  const full = fullStack();
  const fullControl = fullStack();
  const bare = createClient({ baseUrl, connections: CONNECTIONS });
  const bareControl = createClient({ baseUrl, connections: CONNECTIONS });
  const traceOff = createClient({ baseUrl, connections: CONNECTIONS, trace: false });
  const traceOn = createClient({ baseUrl, connections: CONNECTIONS, trace: true });
  const all = [full.client, fullControl.client, bare, bareControl, traceOff, traceOn];
  return { full, fullControl, bare, bareControl, traceOff, traceOn, all };
}
