import { exponential, fullJitter, retry } from '@sentinel/backoff';
import type { Clock } from '@sentinel/core';

/** The README's Usage example; `clock` is there for the test (production passes nothing). */
export function createUserClient(baseUrl: string, clock?: Clock) {
  const policy = retry({
    maxAttempts: 4,
    backoff: fullJitter(exponential({ initialMs: 100, maxMs: 5_000 })),
    ...(clock === undefined ? {} : { clock }),
  });

  return (id: number, signal?: AbortSignal): Promise<unknown> =>
    policy.execute(
      async ({ signal, attempt }) => {
        const response = await fetch(`${baseUrl}/users/${id}`, { signal });
        if (!response.ok) throw new Error(`HTTP ${response.status} (attempt ${attempt})`);
        return response.json();
      },
      { signal },
    );
}
