import { breakerGroup, circuitBreaker, consecutive } from '@sentinel/breaker';
import { syncBreakers } from '@sentinel/breaker/redis';
import type { Redis } from 'ioredis';

// In every process of a scraper fleet: one breaker per origin, and an outage one process meets
// spares the others from meeting it too.
export async function fleetBreakers(redis: Redis, channel = 'breakers:scraper') {
  const breakers = breakerGroup({
    create: () => circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 30_000 }),
  });
  const sync = syncBreakers({ group: breakers, redis, channel });
  sync.onError(({ during, error }) => console.warn(`breaker sync: ${during} failed, breakers stay local`, error));
  // Redis down at start: the breakers work locally, and the sync catches up when it reconnects.
  await sync.ready.catch(() => {});
  return { breakers, sync };
}
