import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, countWindow } from '@sentinel/breaker';
import { formatReport, loadTest } from '@sentinel/workers';

// The seed's load test, scaled down: every worker builds its own policies from its index, so no
// retry or breaker is shared by accident.
export async function smokeLoad(url: string) {
  const report = await loadTest({
    url,
    workers: 20,
    requestsPerWorker: 50,
    clientOptions: () => ({
      retry: retry({ maxAttempts: 3, backoff: constant(0) }),
      breaker: () => circuitBreaker({ trigger: countWindow({ size: 50, failureRate: 0.5, minimumCalls: 20 }) }),
    }),
  });
  // `report` is plain JSON (for a file, a dashboard, a CI check); formatReport draws it as text.
  return { report, table: formatReport(report) };
}
