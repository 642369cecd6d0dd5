import { describe, expect, it } from 'vitest';
import * as report from './entries/report.ts';
import * as root from './index.ts';

// The public surface changes only on purpose: update these lists in the same commit as a changeset.
describe('public exports', () => {
  it('http-sentinel', () => {
    expect(Object.keys(root).sort()).toMatchInlineSnapshot(`
      [
        "CircuitOpenError",
        "ClientClosedError",
        "ClientResponse",
        "ConfigError",
        "HedgeLostError",
        "HttpError",
        "NetworkError",
        "PoolClosedError",
        "QueueFullError",
        "RateLimitedError",
        "RejectedError",
        "RequestTimeoutError",
        "SentinelError",
        "TimeoutError",
        "UnsafeRetryError",
        "WorkerCrashedError",
        "adaptiveConcurrency",
        "breakerGroup",
        "capped",
        "circuitBreaker",
        "compose",
        "concurrency",
        "consecutive",
        "constant",
        "countWindow",
        "createClient",
        "createResilientClient",
        "createResilientPool",
        "createThreadPool",
        "createWorkerPool",
        "decorrelatedJitter",
        "equalJitter",
        "exponential",
        "fallback",
        "formatReport",
        "fullJitter",
        "hedge",
        "isCircuitOpenError",
        "isConfigError",
        "isHedgeLostError",
        "isHttpError",
        "isNetworkError",
        "isPoolClosedError",
        "isQueueFullError",
        "isRateLimitedError",
        "isRejectedError",
        "isSentinelError",
        "isTimeoutError",
        "isWorkerCrashedError",
        "keyed",
        "loadTest",
        "presets",
        "rateLimit",
        "retry",
        "retryBudget",
        "sentinelFetch",
        "sentinelInterceptor",
        "sharedTokenBucket",
        "slidingWindow",
        "systemClock",
        "timeWindow",
        "timeout",
        "tokenBucket",
      ]
    `);
  });

  it('http-sentinel/report', () => {
    expect(Object.keys(report).sort()).toMatchInlineSnapshot(`
      [
        "breakerTrack",
        "phaseFromLoadTestReport",
        "renderReportHtml",
        "serveDashboard",
        "validateReportDocument",
      ]
    `);
  });
});
