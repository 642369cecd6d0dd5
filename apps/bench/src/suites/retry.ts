import { decorrelatedJitter, exponential, fullJitter, retry, retryBudget } from '@sentinel/backoff';
import { retry as cockatielRetry, ExponentialBackoff, handleAll } from 'cockatiel';
import { backOff } from 'exponential-backoff';
import pRetry from 'p-retry';
import type { Reporter } from '../harness.ts';

const work = async () => 1;
const identity = <T>(value: T): T => value;
const rethrow = (error: unknown): never => {
  throw error;
};

/*
 * First-try success through each library's retry, next to a bare `await fn()` in the same run:
 * the price every successful call pays for being retryable. Each peer is configured like ours
 * (3 attempts, exponential backoff with jitter) with every option preset, which is their fastest
 * path (p-retry fills missing defaults per call).
 */
export default async function retrySuite(report: Reporter): Promise<void> {
  const sentinel = retry({ maxAttempts: 3 });
  const sentinelBudget = retry({ maxAttempts: 3, budget: retryBudget({ ratio: 0.2 }) });
  const sentinelDeadline = retry({ maxAttempts: 3, maxElapsedMs: 10_000 });
  const sentinelJudging = retry({ maxAttempts: 3, shouldRetry: (outcome) => !outcome.ok });
  const cockatiel = cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });
  const pRetryOptions = {
    retries: 2,
    factor: 2,
    minTimeout: 100,
    maxTimeout: 30_000,
    maxRetryTime: Number.POSITIVE_INFINITY,
    randomize: true,
    onFailedAttempt: () => {},
    shouldRetry: () => true,
    shouldConsumeRetry: () => true,
  };
  const backOffOptions = {
    numOfAttempts: 3,
    startingDelay: 100,
    timeMultiple: 2,
    maxDelay: 30_000,
    jitter: 'full' as const,
    delayFirstAttempt: false,
    retry: () => true,
  };
  const controller = new AbortController();
  const withSignal = { signal: controller.signal };

  // Peers first and ours last: cases timed later in a process tend to read slower here, so this
  // order can only flatter the peers.
  await report.compare('first-try success through retry: peers', { name: 'await fn()', fn: () => work() }, [
    { name: 'cockatiel 3.2.1 retry().execute', fn: () => cockatiel.execute(work) },
    { name: 'p-retry 7.1.1 (all options preset)', fn: () => pRetry(work, pRetryOptions) },
    { name: 'exponential-backoff 3.1.3 backOff', fn: () => backOff(work, backOffOptions) },
    { name: 'sentinel retry({ maxAttempts: 3 }).execute', fn: () => sentinel.execute(work) },
  ]);

  await report.compare('first-try success through retry: sentinel options', { name: 'await fn()', fn: () => work() }, [
    // The least any wrapper that can see a rejection must do: one derived promise.
    { name: 'floor: fn().then(identity, rethrow)', fn: () => work().then(identity, rethrow) },
    { name: 'sentinel retry({ maxAttempts: 3 }).execute', fn: () => sentinel.execute(work) },
    { name: 'sentinel retry, caller signal', fn: () => sentinel.execute(work, withSignal) },
    { name: 'sentinel retry + retryBudget', fn: () => sentinelBudget.execute(work) },
    { name: 'sentinel retry + maxElapsedMs', fn: () => sentinelDeadline.execute(work) },
    { name: 'sentinel retry + custom shouldRetry', fn: () => sentinelJudging.execute(work) },
  ]);

  // The same calls as a caller writes them, `await fn()` against `await policy.execute(fn)` in a
  // loop, interleaved over rounds so a noisy neighbour (or a peer that slows the process down as
  // it runs) weighs on every case alike.
  await report.interleaved(
    'first-try success, awaited in a loop (interleaved rounds)',
    { name: 'await fn()', fn: () => work() },
    [
      // Any wrapper that can see a rejection adds one derived promise, so one more job per call.
      { name: 'floor: fn().then(identity, rethrow)', fn: () => work().then(identity, rethrow) },
      { name: 'cockatiel 3.2.1 retry().execute', fn: () => cockatiel.execute(work) },
      { name: 'p-retry 7.1.1 (all options preset)', fn: () => pRetry(work, pRetryOptions) },
      { name: 'exponential-backoff 3.1.3 backOff', fn: () => backOff(work, backOffOptions) },
      { name: 'sentinel retry({ maxAttempts: 3 }).execute', fn: () => sentinel.execute(work) },
      { name: 'sentinel retry, caller signal', fn: () => sentinel.execute(work, withSignal) },
    ],
    { rounds: 7, iterations: 20_000, warmup: 2_000 },
  );

  report.heap('retry policies', [
    { name: 'sentinel retry({ maxAttempts: 3 })', create: () => retry({ maxAttempts: 3 }) },
    {
      name: 'sentinel retry({ maxAttempts: 3, backoff: fullJitter(exponential()) })',
      create: () => retry({ maxAttempts: 3, backoff: fullJitter(exponential()) }),
    },
    {
      name: 'sentinel retry({ maxAttempts: 3, backoff: decorrelatedJitter() })',
      create: () => retry({ maxAttempts: 3, backoff: decorrelatedJitter() }),
    },
    {
      name: 'cockatiel retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() })',
      create: () => cockatielRetry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() }),
    },
  ]);
}
