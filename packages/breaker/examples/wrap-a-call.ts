import { circuitBreaker, consecutive, isCircuitOpenError } from '@sentinel/breaker';

// One breaker per dependency, created once and shared by every call to it.
const inventory = circuitBreaker({
  trigger: consecutive({ threshold: 5 }),
  halfOpenAfter: 10_000,
});

/** Reads stock through the breaker; falls back to "unknown" while the service is known to be down. */
export async function stockOf(sku: string, fetchStock: (sku: string) => Promise<number>): Promise<number | 'unknown'> {
  try {
    return await inventory.execute(() => fetchStock(sku));
  } catch (error) {
    // Rejected without calling the service: cheap, and it says when to try again.
    if (isCircuitOpenError(error)) return 'unknown';
    throw error;
  }
}

export { inventory };
