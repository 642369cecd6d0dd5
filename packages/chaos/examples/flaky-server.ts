import { chaos, startChaosServer } from '@sentinel/chaos';

/** The README example: a server whose /orders fails twice with 503, then answers. */
export async function flakyOrders(): Promise<{ statuses: number[]; requests: number }> {
  await using server = await startChaosServer({
    seed: 42,
    routes: { '/orders': [{ type: 'status', status: 503, times: 2 }] },
  });
  const statuses: number[] = [];
  for (let i = 0; i < 3; i++) {
    const response = await fetch(`${server.url}/orders`);
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return { statuses, requests: server.stats().byPath['/orders'] ?? 0 };
}

/** In-process: 30% of calls fail with a ChaosError, the same ones on every run (seed 7). */
export async function flakyCalls(): Promise<number> {
  const policy = chaos({ faultRate: 0.3, seed: 7 });
  let failures = 0;
  for (let i = 0; i < 100; i++) await policy.execute(() => 'ok').catch(() => failures++);
  return failures;
}
