import { exponential, fullJitter, retry } from '@sentinel/backoff';
import { circuitBreaker, countWindow } from '@sentinel/breaker';
import { type ChaosServer, type Fault, startChaosServer } from '@sentinel/chaos';
import { createClient } from '@sentinel/client';
import { type Backoff, systemClock } from '@sentinel/core';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Async workers, each with its own client (the seed's client-per-worker pattern). @default 8 */
  readonly workers?: number;
  /** Requests each worker makes. @default 40 */
  readonly requestsPerWorker?: number;
  /** Seed of the chaos server's fault choices. @default 7 */
  readonly seed?: number;
  /** The retry backoff. @default fullJitter(exponential({ initialMs: 20, maxMs: 500 })) */
  readonly backoff?: Backoff;
  /** `Retry-After` of the 2 % of 429s, in seconds; `undefined` leaves 429s out. @default 1 */
  readonly retryAfterSeconds?: number | undefined;
}

/** What happened, and whether the guarantees held. */
export interface DemoReport {
  readonly origin: string;
  readonly workers: number;
  readonly requests: number;
  readonly succeeded: number;
  /** Final failures by error code, after retries. */
  readonly failures: Readonly<Record<string, number>>;
  /** Attempts the clients made, and requests the server saw (they must match). */
  readonly attempts: number;
  readonly serverRequests: number;
  /** POSTs sent without an idempotency key, and how many of them the server saw twice (must be 0). */
  readonly unkeyedPosts: number;
  readonly unkeyedPostsSeenTwice: number;
  /** POSTs with a key, and the most attempts any one key needed. */
  readonly keyedPosts: number;
  readonly maxAttemptsPerKey: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly elapsedMs: number;
  /** Every guarantee the demo checks, by name. */
  readonly checks: Readonly<Record<string, boolean>>;
}

/**
 * The integrated pattern end to end, on loopback: a seeded chaos server injects 503s, resets
 * before headers and 429s with Retry-After; `workers` async workers each own a client with
 * retry → circuit breaker → rate limiter → phase timeouts, and share only the rate limit they
 * owe the server (a 429's Retry-After pauses it for all of them). Every loop is bounded.
 */
export async function runDemo(options: DemoOptions = {}): Promise<DemoReport> {
  const workers = options.workers ?? 8;
  const perWorker = options.requestsPerWorker ?? 40;
  const retryAfter = 'retryAfterSeconds' in options ? options.retryAfterSeconds : 1;
  const faults: Fault[] = [
    { type: 'status', status: 503, rate: 0.12, latencyMs: { min: 1, max: 4 } },
    { type: 'reset-before-headers', rate: 0.03 },
  ];
  if (retryAfter !== undefined) faults.push({ type: 'rate-limit', retryAfter: String(retryAfter), rate: 0.02 });
  const server = await startChaosServer({ seed: options.seed ?? 7, faults });
  const started = systemClock.now();
  try {
    // The one thing workers share: the rate they owe the remote API.
    const limiter = tokenBucket({ capacity: 50, refillPerSecond: 500 });
    const results = await Promise.all(
      Array.from({ length: workers }, (_, w) => runWorker(server, w, perWorker, rateLimit({ limiter }), options)),
    );
    return summarize(server, results.flat(), workers, systemClock.now() - started);
  } finally {
    await server.close();
  }
}

interface Outcome {
  readonly kind: 'get' | 'keyed' | 'unkeyed';
  readonly path: string;
  readonly ok: boolean;
  readonly code: string | undefined;
  readonly attempts: number;
  readonly ms: number;
}

async function runWorker(
  server: ChaosServer,
  worker: number,
  count: number,
  shared: ReturnType<typeof rateLimit>,
  options: DemoOptions,
): Promise<Outcome[]> {
  // Each worker owns its client and policies: no state shared between workers but the limit.
  const client = createClient({
    baseUrl: server.url,
    connections: 4,
    timeouts: { connectMs: 1_000, headersMs: 2_000, bodyIdleMs: 2_000, totalMs: 10_000 },
    retry: retry({
      maxAttempts: 4,
      backoff: options.backoff ?? fullJitter(exponential({ initialMs: 20, maxMs: 500 })),
    }),
    breaker: circuitBreaker({
      trigger: countWindow({ size: 20, failureRate: 0.5, minimumCalls: 10 }),
      halfOpenAfter: 200,
    }),
    rateLimit: shared,
  });
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const kind = i % 10 === 0 ? 'unkeyed' : i % 10 < 3 ? 'keyed' : 'get';
      // Unkeyed POSTs get a unique path, so the server's per-path count shows any resend.
      const path = kind === 'unkeyed' ? `/orders/new-${worker}-${i}` : kind === 'keyed' ? '/orders' : `/orders/${i}`;
      const started = systemClock.now();
      const call =
        kind === 'get'
          ? client.get(path)
          : client.post(path, { json: { worker, i }, ...(kind === 'keyed' ? { idempotencyKey: true } : {}) });
      outcomes.push(
        await call.then(
          async (response) => {
            await response.bytes();
            return {
              kind,
              path,
              ok: true,
              code: undefined,
              attempts: response.attempts,
              ms: systemClock.now() - started,
            };
          },
          (error: { code?: string; status?: number; errorCode?: string; attempts?: number }) => ({
            kind,
            path,
            ok: false,
            code: [error.code, error.status ?? error.errorCode].filter((part) => part !== undefined).join(':'),
            attempts: error.attempts ?? 1,
            ms: systemClock.now() - started,
          }),
        ),
      );
    }
  } finally {
    await client.close();
  }
  return outcomes;
}

function summarize(server: ChaosServer, outcomes: readonly Outcome[], workers: number, elapsedMs: number): DemoReport {
  const stats = server.stats();
  const failures: Record<string, number> = {};
  for (const o of outcomes) if (!o.ok) failures[o.code ?? 'unknown'] = (failures[o.code ?? 'unknown'] ?? 0) + 1;
  const unkeyed = outcomes.filter((o) => o.kind === 'unkeyed');
  const retryable = outcomes.filter((o) => o.kind !== 'unkeyed');
  const keyCounts = Object.values(stats.byIdempotencyKey);
  const attempts = outcomes.reduce((sum, o) => sum + o.attempts, 0);
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const unkeyedPostsSeenTwice = unkeyed.filter((o) => (stats.byPath[o.path] ?? 0) > 1).length;
  const retryableOk = retryable.filter((o) => o.ok).length;
  return {
    origin: server.url,
    workers,
    requests: outcomes.length,
    succeeded: outcomes.filter((o) => o.ok).length,
    failures,
    attempts,
    serverRequests: stats.requests,
    unkeyedPosts: unkeyed.length,
    unkeyedPostsSeenTwice,
    keyedPosts: outcomes.filter((o) => o.kind === 'keyed').length,
    maxAttemptsPerKey: Math.max(0, ...keyCounts),
    latencyMs: { p50: at(0.5), p99: at(0.99), max: latencies.at(-1) ?? 0 },
    elapsedMs,
    checks: {
      'no POST without an idempotency key was sent twice': unkeyedPostsSeenTwice === 0,
      'every attempt the clients made reached the server exactly once': attempts === stats.requests,
      'retryable requests (GETs, keyed POSTs) succeeded at least 95 % of the time':
        retryableOk >= 0.95 * retryable.length,
    },
  };
}
