import {
  isIdempotentMethod,
  isRetryableStatus,
  parseRateLimit,
  parseRetryAfter,
  resolveRedirect,
} from '@sentinel/http';

/** Decides whether (and after how long) a response is worth retrying: the README's usage example. */
export function retryDelay(method: string, status: number, headers: Headers, now: number): number | undefined {
  if (!isIdempotentMethod(method) || !isRetryableStatus(status)) return undefined;
  return parseRetryAfter(headers.get('retry-after'), now) ?? 0;
}

/** How many requests a server still allows, from whichever rate-limit headers it sends. */
export function remaining(headers: Headers, now: number): number | undefined {
  return parseRateLimit(headers, now)?.remaining;
}

/** The next hop of a redirect, or undefined when it must not be followed. */
export function nextHop(url: string, location: string, headers: Record<string, string>) {
  const decision = resolveRedirect({ status: 302, method: 'GET', url, location, headers });
  return decision.follow ? { url: decision.url.href, headers: decision.headers } : undefined;
}
