import { retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import { createClient } from '@sentinel/client';
import { createWorkerPool } from '@sentinel/workers';

// Before: one client (and one breaker) shared by every concurrent job. One job's failures open
// the circuit for all of them, and the stats cannot tell which job saw what.
//
//   const shared = createClient({ baseUrl, retry: retry(), breaker: circuitBreaker() });
//   await Promise.all(jobs.map((job) => shared.get(job.path)));
//
// After: a client per worker. Each worker's breaker and counters are its own; pool.stats() shows
// every worker's client.status() side by side.
export async function runJobs(baseUrl: string, paths: readonly string[]) {
  await using pool = await createWorkerPool({
    workers: 4,
    setup: () => ({
      client: createClient({
        baseUrl,
        retry: retry({ maxAttempts: 3 }),
        breaker: circuitBreaker({ trigger: consecutive({ threshold: 5 }) }),
      }),
    }),
  });
  const statuses = await Promise.all(
    paths.map((path) => pool.run(async ({ client }, ctx) => (await client.get(path, { signal: ctx.signal })).status)),
  );
  return { statuses, perWorker: pool.stats().workers.map((w) => w.status) };
}
