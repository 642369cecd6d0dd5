import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { ManualClock } from '@sentinel/core/testing';

/** Test your own code's open-circuit path without waiting: the breaker reads time from the clock. */
export async function openThenRecover(): Promise<string[]> {
  const clock = new ManualClock();
  const breaker = circuitBreaker({ trigger: consecutive({ threshold: 2 }), halfOpenAfter: 30_000, clock });
  const states: string[] = [];
  breaker.onStateChange(({ to }) => states.push(to));
  const down = () => Promise.reject(new Error('503'));
  for (let i = 0; i < 2; i++) await breaker.execute(down).catch(() => {});
  await clock.advance(30_000); // no real waiting
  await breaker.execute(async () => 'back');
  return states; // ['open', 'half-open', 'closed']
}
