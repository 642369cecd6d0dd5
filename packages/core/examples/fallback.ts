import { compose, fallback, timeout } from '@sentinel/core';

export interface Prices {
  readonly [sku: string]: number;
}

let lastKnown: Prices = {};

// Serve the last prices seen when the price service fails or takes over 500 ms. A caller that
// gives up (aborts) gets its abort, never stale prices.
const prices = compose(fallback({ fallback: () => lastKnown }), timeout({ ms: 500 }));

export function loadPrices(fetchPrices: (signal: AbortSignal) => Promise<Prices>, signal?: AbortSignal) {
  return prices.execute(
    async (ctx) => {
      lastKnown = await fetchPrices(ctx.signal);
      return lastKnown;
    },
    { signal },
  );
}
