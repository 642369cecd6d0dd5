import { getHeader, type HeadersInit } from '../headers/headers.ts';

/*
 * Rate-limit headers come in three generations, all still in the wild:
 *   - IETF draft 08+ (structured fields): `RateLimit: "default";r=50;t=30` with
 *     `RateLimit-Policy: "default";q=100;w=60` (several policies, comma-separated);
 *   - IETF draft 07 and earlier: `RateLimit: limit=100, remaining=50, reset=30`, or the separate
 *     `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` fields, and
 *     `RateLimit-Policy: 100;w=60`;
 *   - the de facto `X-RateLimit-Limit` / `-Remaining` / `-Reset`, where Reset is delta seconds
 *     for some servers and epoch seconds for others (GitHub).
 * Numbers are parsed as strictly as Retry-After: non-negative decimal integers only.
 */

/** What a server said about its rate limit. Every field is optional: servers send subsets. */
export interface RateLimitInfo {
  /** Requests allowed per window (quota). */
  readonly limit?: number;
  /** Requests left in the current window. */
  readonly remaining?: number;
  /** Milliseconds until the quota resets (from now). */
  readonly resetMs?: number;
  /** The window length in milliseconds, from the policy. */
  readonly windowMs?: number;
  /** The policy name, when the server uses named policies (draft 08+). */
  readonly policy?: string;
  /** Which header family the figures came from. */
  readonly source: 'ratelimit' | 'x-ratelimit';
}

/**
 * Reset values above this many seconds (~31.7 years) can only be epoch timestamps: they are read
 * as such for `X-RateLimit-Reset`, ignored elsewhere.
 */
const EPOCH_THRESHOLD_SECONDS = 1_000_000_000;
const INTEGER = /^\d{1,15}$/;

function integer(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  return INTEGER.test(trimmed) ? Number(trimmed) : undefined;
}

interface Item {
  name: string | undefined;
  params: Map<string, string>;
}

// Splits `a;k=v;k2=v2, b;k=v` into items. Quoted names are unquoted; no escapes (policy names are
// tokens in practice) — an item that does not fit is simply skipped by the callers.
function items(value: string): Item[] {
  return value.split(',').map((part) => {
    const pieces = part.split(';').map((p) => p.trim());
    const head = pieces[0] ?? '';
    const params = new Map<string, string>();
    let name: string | undefined;
    if (head.includes('=')) pieces.unshift('');
    else if (head !== '') name = head.replace(/^"(.*)"$/, '$1');
    for (const piece of pieces.slice(1)) {
      const eq = piece.indexOf('=');
      if (eq > 0) params.set(piece.slice(0, eq).trim().toLowerCase(), piece.slice(eq + 1).trim());
    }
    return { name, params };
  });
}

function compact(info: {
  limit?: number | undefined;
  remaining?: number | undefined;
  resetMs?: number | undefined;
  windowMs?: number | undefined;
  policy?: string | undefined;
  source: RateLimitInfo['source'];
}): RateLimitInfo | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(info)) if (value !== undefined) out[key] = value;
  return Object.keys(out).length > 1 ? (out as unknown as RateLimitInfo) : undefined;
}

function fromStructured(rateLimit: string, policyHeader: string | undefined): RateLimitInfo | undefined {
  const policies = new Map<string, Item>();
  for (const item of items(policyHeader ?? '')) if (item.name !== undefined) policies.set(item.name, item);
  let best: RateLimitInfo | undefined;
  for (const item of items(rateLimit)) {
    if (item.name === undefined) continue;
    const policy = policies.get(item.name);
    const reset = integer(item.params.get('t'));
    const window = integer(policy?.params.get('w'));
    const info = compact({
      limit: integer(policy?.params.get('q')),
      remaining: integer(item.params.get('r')),
      resetMs: reset === undefined ? undefined : reset * 1000,
      windowMs: window === undefined ? undefined : window * 1000,
      policy: item.name,
      source: 'ratelimit',
    });
    // Several policies: the one with the fewest requests left is the one that bites first.
    if (info !== undefined && (best === undefined || (info.remaining ?? Infinity) < (best.remaining ?? Infinity))) {
      best = info;
    }
  }
  return best;
}

function fromDraft07(headers: HeadersInit, combined: string | undefined): RateLimitInfo | undefined {
  const params = new Map<string, string>();
  for (const pair of (combined ?? '').split(',')) {
    const eq = pair.indexOf('=');
    if (eq > 0) params.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  const policyItem = items(getHeader(headers, 'ratelimit-policy') ?? '')[0];
  const reset = integer(params.get('reset') ?? getHeader(headers, 'ratelimit-reset'));
  const window = integer(policyItem?.params.get('w'));
  return compact({
    limit: integer(params.get('limit') ?? getHeader(headers, 'ratelimit-limit') ?? policyItem?.name),
    remaining: integer(params.get('remaining') ?? getHeader(headers, 'ratelimit-remaining')),
    resetMs: reset === undefined || reset >= EPOCH_THRESHOLD_SECONDS ? undefined : reset * 1000,
    windowMs: window === undefined ? undefined : window * 1000,
    source: 'ratelimit',
  });
}

function fromLegacy(headers: HeadersInit, now: number): RateLimitInfo | undefined {
  const reset = integer(getHeader(headers, 'x-ratelimit-reset'));
  let resetMs: number | undefined;
  if (reset !== undefined) {
    resetMs = reset >= EPOCH_THRESHOLD_SECONDS ? Math.max(0, reset * 1000 - now) : reset * 1000;
  }
  return compact({
    limit: integer(getHeader(headers, 'x-ratelimit-limit')),
    remaining: integer(getHeader(headers, 'x-ratelimit-remaining')),
    resetMs,
    source: 'x-ratelimit',
  });
}

/**
 * Reads a response's rate-limit headers, whatever their generation, into one shape, or returns
 * `undefined` when there are none (or none that parse). The IETF `RateLimit*` fields win over
 * `X-RateLimit-*` when both are present. With several named policies, the one with the fewest
 * requests remaining is returned.
 *
 * @param headers - response headers in any shape.
 * @param now - the current time in epoch milliseconds, to turn an epoch `X-RateLimit-Reset` into
 *   a delay.
 */
export function parseRateLimit(headers: HeadersInit | undefined, now: number): RateLimitInfo | undefined {
  if (headers === undefined) return undefined;
  const combined = getHeader(headers, 'ratelimit');
  if (combined !== undefined && /"|;\s*[rt]=/.test(combined) && !/\b(limit|remaining|reset)=/i.test(combined)) {
    const structured = fromStructured(combined, getHeader(headers, 'ratelimit-policy'));
    if (structured !== undefined) return structured;
  }
  return fromDraft07(headers, combined) ?? fromLegacy(headers, now);
}
