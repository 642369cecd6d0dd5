import { type CircuitBreakerSnapshot, circuitBreaker, countWindow } from '@sentinel/breaker';

const trigger = countWindow({ size: 50, failureRate: 0.5, minimumCalls: 20 });

/** Save a breaker's state on shutdown... */
export function save(breaker: ReturnType<typeof circuitBreaker>): string {
  return JSON.stringify(breaker);
}

/** ...and start the next process where it stopped: a dependency that was down stays avoided. */
export function restore(saved: string | undefined) {
  const initialState = saved === undefined ? undefined : (JSON.parse(saved) as CircuitBreakerSnapshot);
  return circuitBreaker({ trigger, initialState });
}
