import { type Clock, systemClock } from '@sentinel/core';
import { keyed, tokenBucket } from '@sentinel/ratelimit';

// A scraper: 2 requests/s per host, bounded memory however many hosts it meets.
export function createPerHostLimiter(clock: Clock = systemClock) {
  const hosts = keyed({
    create: () => tokenBucket({ capacity: 2, refillPerSecond: 2, clock }),
    maxKeys: 10_000,
    // A bucket idle for 1 s is full again: dropping it after 60 s loses nothing.
    idleMs: 60_000,
    clock,
  });
  return {
    hosts,
    beforeRequest: (url: string, signal?: AbortSignal) => hosts.acquire(new URL(url).host, 1, { signal }),
  };
}
