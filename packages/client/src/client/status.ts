import type { BreakerResolver } from '../policies/pipeline.ts';

/** What `client.status()` reports. */
export interface ClientStatus {
  /** Logical requests started (each may make several attempts). */
  readonly requests: number;
  /** Attempts sent (the first of each request included). */
  readonly attempts: number;
  /** Attempts beyond the first: `attempts - (requests that made at least one attempt)`. */
  readonly retries: number;
  /** Requests in flight now. */
  readonly inFlight: number;
  /** Failed requests by error code (`SENTINEL_HTTP_ERROR:503`, `SENTINEL_NETWORK:ECONNRESET`, ...). */
  readonly failures: Readonly<Record<string, number>>;
  /** Each breaker's own `status()` (or `state`), by origin; `'*'` for a shared breaker. */
  readonly breakers: Readonly<Record<string, unknown>>;
  /** The limiter's own `status()`, when it has one. */
  readonly limiter: unknown;
  /** The dispatcher's pool statistics (undici `stats`), when it exposes them. */
  readonly pool: unknown;
  /** Whether `close()` was called. */
  readonly closed: boolean;
}

/** Mutable counters behind {@link ClientStatus}. */
export class Counters {
  requests = 0;
  attempts = 0;
  attempted = 0;
  inFlight = 0;
  failures: Record<string, number> = {};

  fail(error: unknown): void {
    const key = failureKey(error);
    this.failures[key] = (this.failures[key] ?? 0) + 1;
  }
}

/** A failure's short, bounded name: `SENTINEL_HTTP_ERROR:503`, `SENTINEL_NETWORK:ECONNRESET`, `SENTINEL_TIMEOUT:headers`. */
export function failureKey(error: unknown): string {
  const e = error as {
    code?: unknown;
    name?: unknown;
    status?: unknown;
    errorCode?: unknown;
    phase?: unknown;
  } | null;
  let key = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'UNKNOWN';
  if (typeof e?.status === 'number') key += `:${e.status}`;
  else if (typeof e?.errorCode === 'string') key += `:${e.errorCode}`;
  else if (typeof e?.phase === 'string') key += `:${e.phase}`;
  return key;
}

/**
 * A policy's own report, whatever it offers: `status()`, `snapshot()`, `state`, or the same on
 * its `limiter` (a rate-limit policy wraps one).
 */
export function describePolicy(policy: unknown, depth = 0): unknown {
  const p = policy as { status?: unknown; snapshot?: unknown; state?: unknown; limiter?: unknown } | undefined;
  if (typeof p?.status === 'function') return (p.status as () => unknown)();
  if (typeof p?.snapshot === 'function') return (p.snapshot as () => unknown)();
  if (p?.state !== undefined) return p.state;
  if (p?.limiter !== undefined && depth === 0) return describePolicy(p.limiter, 1);
  return undefined;
}

/**
 * The snapshot `client.status()` returns: the counters, each breaker's and the limiter's own
 * report, and the dispatcher's pool statistics.
 */
export function clientStatus(
  c: Counters,
  breakerSource: BreakerResolver | undefined,
  rateLimit: unknown,
  dispatcher: unknown,
  closed: boolean,
): ClientStatus {
  const breakers: Record<string, unknown> = {};
  const shared = breakerSource?.shared;
  if (shared !== undefined) breakers['*'] = describePolicy(shared);
  else if (breakerSource !== undefined) {
    for (const [origin, breaker] of breakerSource.created) breakers[origin] = describePolicy(breaker);
  }
  return {
    requests: c.requests,
    attempts: c.attempts,
    retries: Math.max(0, c.attempts - c.attempted),
    inFlight: c.inFlight,
    failures: { ...c.failures },
    breakers,
    limiter: describePolicy(rateLimit),
    pool: (dispatcher as { stats?: unknown } | undefined)?.stats,
    closed,
  };
}
