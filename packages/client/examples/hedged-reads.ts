import { hedge, retry, retryBudget } from '@sentinel/backoff';
import { createClient } from '@sentinel/client';
import type { Clock } from '@sentinel/core';

/**
 * Slow reads hedged: a GET that has not answered within the 95th percentile of recent ones
 * (100 ms until 20 are known) is sent once more; the first answer wins and the other request is
 * aborted. A write is never hedged unless it carries an idempotency key. Hedges and retries share
 * one budget: together at most 10 % extra requests.
 */
export function createCatalogueClient(baseUrl: string, clock?: Clock) {
  const budget = retryBudget({ ratio: 0.1, clock });
  return createClient({
    baseUrl,
    retry: retry({ maxAttempts: 3, budget, clock }),
    hedge: hedge({ delayMs: { percentile: 95, initialMs: 100 }, maxHedges: 1, budget, clock }),
  });
}
