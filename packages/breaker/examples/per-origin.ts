import { breakerGroup, circuitBreaker, consecutive } from '@sentinel/breaker';

// One breaker per origin: api.example.com going down does not stop calls to cdn.example.com.
const origins = breakerGroup({
  create: () => circuitBreaker({ trigger: consecutive({ threshold: 3 }) }),
  maxKeys: 500, // the least recently used origin is forgotten beyond this
  idleMs: 15 * 60_000, // and so is an origin unused for 15 minutes
});

export function callOrigin<T>(url: string, send: () => Promise<T>): Promise<T> {
  return origins.get(new URL(url).origin).execute(send);
}

export { origins };
