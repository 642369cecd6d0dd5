import type { Client } from '@sentinel/client';
import type { JobKind } from './gateway-evidence.ts';
import type { Upstream } from './upstream.ts';

/**
 * A payment status check waits this long for response headers (its own tight SLO); a hung
 * payments upstream costs this much per attempt until the worker's breaker opens.
 */
export const PAYMENTS_HEADERS_MS = 500;
/** Catalog and order calls are given more time: a busy machine must not look like an outage. */
export const HEADERS_MS = 2_000;

/** The mix of jobs: 40 % catalog reads, 30 % payment status checks, 20 % keyed orders, 10 % unkeyed ones. */
export function jobKind(random: () => number): JobKind {
  const x = random();
  return x < 0.4 ? 'catalog' : x < 0.7 ? 'payments' : x < 0.9 ? 'order' : 'order-unkeyed';
}

/** One job: the request a caller asked the gateway for, on the worker's own client. */
export async function send(
  client: Client,
  kind: JobKind,
  upstreams: { readonly catalog: Upstream; readonly orders: Upstream; readonly payments: Upstream },
  id: string,
  signal: AbortSignal,
): Promise<{ readonly status: number; readonly attempts: number }> {
  const response =
    kind === 'catalog'
      ? await client.get(`${upstreams.catalog.origin}/catalog/items`, { query: { id }, signal })
      : kind === 'payments'
        ? await client.get(`${upstreams.payments.origin}/payments/status`, {
            query: { id },
            signal,
            timeouts: { headersMs: PAYMENTS_HEADERS_MS },
          })
        : kind === 'order'
          ? await client.post(`${upstreams.orders.origin}/orders`, { json: { id }, idempotencyKey: true, signal })
          : // Each unkeyed order has a path of its own, so the server's per-path count shows any resend.
            await client.post(`${upstreams.orders.origin}/orders/new-${id}`, { json: { id }, signal });
  await response.bytes();
  return { status: response.status, attempts: response.attempts };
}
