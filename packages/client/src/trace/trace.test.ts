import { channel } from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constant, retry } from '@sentinel/backoff';
import { circuitBreaker, consecutive, isCircuitOpenError } from '@sentinel/breaker';
import type { ChaosServer } from '@sentinel/chaos';
import {
  contextFor,
  type ExecuteOptions,
  isConfigError,
  type Operation,
  type Policy,
  runOperation,
} from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { rateLimit, tokenBucket } from '@sentinel/ratelimit';
import { describe, expect, it } from 'vitest';
import { type Client, createClient } from '../client/client.ts';
import type { ClientOptions } from '../client/options.ts';
import { isHttpError, isInvalidRequestError, RequestTimeoutError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { formatTrace } from './format-trace.ts';
import { traceOf } from './trace.ts';

let server: ChaosServer;
const { make } = useChaosServers(1, ([started]) => {
  server = started;
});

// Lets ManualClock sleepers registered by real I/O callbacks appear before advancing.
async function until(condition: () => boolean, limit = 500): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await nextTurn();
  expect(condition()).toBe(true);
}

/** Advances the clock to each next sleeper's due time, `steps` times, as real I/O lets them appear. */
async function advanceThrough(clock: ManualClock, steps: number): Promise<void> {
  for (let i = 0; i < steps; i++) {
    await until(() => clock.pending > 0);
    await clock.advance((clock.nextDue as number) - clock.now());
  }
}

/** Settles `pending` once the clock has been advanced through the `steps` waits on its way. */
async function settleThrough<T>(clock: ManualClock, steps: number, pending: Promise<T>): Promise<T> {
  await advanceThrough(clock, steps);
  return pending;
}

/** A traced client on `clock` whose retry waits a constant `backoffMs` (87 unless given), plus `options`. */
function tracedRetryClient(
  clock: ManualClock,
  { maxAttempts, backoffMs = 87 }: { maxAttempts: number; backoffMs?: number },
  options: ClientOptions = {},
): Client {
  return make({
    baseUrl: server.url,
    clock,
    trace: true,
    retry: retry({ maxAttempts, backoff: constant(backoffMs), clock }),
    ...options,
  });
}

describe('decision trace: scripted chaos scenarios', () => {
  it('503 then 200: the retryable status, the backoff wait, the second attempt', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const client = tracedRetryClient(clock, { maxAttempts: 3 });
    const response = await settleThrough(clock, 1, client.get('/flaky'));
    expect(response.status).toBe(200);
    expect(response.trace).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 0, layer: 'client', decision: 'response', attempt: 1, status: 503, retryable: true },
      { at: 0, layer: 'retry', decision: 'wait', attempt: 1, delayMs: 87, delaySource: 'backoff', backoffMs: 87 },
      { at: 87, layer: 'client', decision: 'send', attempt: 2 },
      { at: 87, layer: 'client', decision: 'response', attempt: 2, status: 200, retryable: false },
      { at: 87, layer: 'client', decision: 'end', ok: true, attempts: 2, status: 200 },
    ]);
    expect(formatTrace(response.trace ?? [])).toBe(
      [
        ' 0 ms  attempt 1 sent',
        ' 0 ms  attempt 1: 503 (retryable status)',
        ' 0 ms  retry: wait 87 ms (backoff 87 ms)',
        '87 ms  attempt 2 sent',
        '87 ms  attempt 2: 200',
        '87 ms  done: 200 after 2 attempts',
      ].join('\n'),
    );
  });

  it('429 with Retry-After: the hint wins over the backoff, and the paused limiter makes the retry wait', async () => {
    server.route('/busy', [{ type: 'rate-limit', retryAfter: '2', times: 1 }]);
    const clock = new ManualClock();
    const client = tracedRetryClient(
      clock,
      { maxAttempts: 3 },
      { rateLimit: rateLimit({ limiter: tokenBucket({ capacity: 5, refillPerSecond: 10, clock }), clock }) },
    );
    // The retry's 2 s wait, then the bucket (emptied by the penalty, refilling from 2 s) for 100 ms.
    const response = await settleThrough(clock, 2, client.get('/busy'));
    expect(response.trace).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 0, layer: 'client', decision: 'response', attempt: 1, status: 429, retryable: true, retryAfterMs: 2_000 },
      {
        at: 0,
        layer: 'retry',
        decision: 'wait',
        attempt: 1,
        delayMs: 2_000,
        delaySource: 'retry-after',
        backoffMs: 87,
        retryAfterMs: 2_000,
      },
      { at: 2_100, layer: 'rate-limit', decision: 'wait', waitedMs: 100 },
      { at: 2_100, layer: 'client', decision: 'send', attempt: 2 },
      { at: 2_100, layer: 'client', decision: 'response', attempt: 2, status: 200, retryable: false },
      { at: 2_100, layer: 'client', decision: 'end', ok: true, attempts: 2, status: 200 },
    ]);
    expect(formatTrace(response.trace ?? [])).toContain(
      'retry: wait 2,000 ms (Retry-After 2,000 ms won over backoff 87 ms)',
    );
    expect(formatTrace(response.trace ?? [])).toContain('rate limit: waited 100 ms');
  });

  it('open breaker: the refusal, its wait winning over the backoff, then the probe that closes it', async () => {
    server.route('/down', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10_000, clock });
    const client = tracedRetryClient(clock, { maxAttempts: 3 }, { breaker });
    const response = await settleThrough(clock, 2, client.get('/down'));
    expect(response.status).toBe(200);
    expect(response.trace).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 0, layer: 'client', decision: 'response', attempt: 1, status: 503, retryable: true },
      { at: 0, layer: 'retry', decision: 'wait', attempt: 1, delayMs: 87, delaySource: 'backoff', backoffMs: 87 },
      { at: 87, layer: 'breaker', decision: 'reject', state: 'open', retryAfterMs: 9_913 },
      {
        at: 87,
        layer: 'retry',
        decision: 'wait',
        attempt: 2,
        delayMs: 9_913,
        delaySource: 'retry-after',
        backoffMs: 87,
        retryAfterMs: 9_913,
      },
      { at: 10_000, layer: 'breaker', decision: 'probe' },
      { at: 10_000, layer: 'client', decision: 'send', attempt: 2 },
      { at: 10_000, layer: 'client', decision: 'response', attempt: 2, status: 200, retryable: false },
      { at: 10_000, layer: 'client', decision: 'end', ok: true, attempts: 2, status: 200 },
    ]);
    expect(formatTrace(response.trace ?? []).split('\n')[3]).toBe(
      '    87 ms  breaker: open, rejected (admits again in 9,913 ms)',
    );
  });

  it('an open breaker that ends the request: the CircuitOpenError carries the trace', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const clock = new ManualClock();
    const client = tracedRetryClient(
      clock,
      { maxAttempts: 2 },
      { breaker: circuitBreaker({ trigger: consecutive({ threshold: 1 }), halfOpenAfter: 10_000, clock }) },
    );
    const error = await settleThrough(clock, 1, caught(client.get('/down')));
    expect(isCircuitOpenError(error)).toBe(true);
    expect(traceOf(error)).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 0, layer: 'client', decision: 'response', attempt: 1, status: 503, retryable: true },
      { at: 0, layer: 'retry', decision: 'wait', attempt: 1, delayMs: 87, delaySource: 'backoff', backoffMs: 87 },
      { at: 87, layer: 'breaker', decision: 'reject', state: 'open', retryAfterMs: 9_913 },
      { at: 87, layer: 'retry', decision: 'give-up', attempts: 2, reason: 'attempts' },
      { at: 87, layer: 'client', decision: 'end', ok: false, attempts: 1, error: 'SENTINEL_CIRCUIT_OPEN' },
    ]);
  });

  it('total deadline hit: no attempt is "sent" past it; the timeout is not retried', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const clock = new ManualClock();
    const client = tracedRetryClient(clock, { maxAttempts: 5, backoffMs: 3_000 }, { timeouts: { totalMs: 5_000 } });
    const error = await settleThrough(clock, 2, caught(client.get('/down')));
    expect(error).toBeInstanceOf(RequestTimeoutError);
    const trace = traceOf(error);
    const wait = { layer: 'retry', decision: 'wait', delayMs: 3_000, delaySource: 'backoff', backoffMs: 3_000 };
    expect(trace).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 0, layer: 'client', decision: 'response', attempt: 1, status: 503, retryable: true },
      { at: 0, ...wait, attempt: 1 },
      { at: 3_000, layer: 'client', decision: 'send', attempt: 2 },
      { at: 3_000, layer: 'client', decision: 'response', attempt: 2, status: 503, retryable: true },
      { at: 3_000, ...wait, attempt: 2 },
      { at: 6_000, layer: 'client', decision: 'error', attempt: 3, error: 'SENTINEL_TIMEOUT:total', retryable: false },
      { at: 6_000, layer: 'retry', decision: 'give-up', attempts: 3, reason: 'not-retryable' },
      { at: 6_000, layer: 'client', decision: 'end', ok: false, attempts: 3, error: 'SENTINEL_TIMEOUT:total' },
    ]);
    expect(
      formatTrace(trace ?? [])
        .split('\n')
        .slice(-3),
    ).toEqual([
      '6,000 ms  attempt 3 failed: SENTINEL_TIMEOUT:total (not retryable)',
      '6,000 ms  retry: gave up after 3 attempts (not-retryable)',
      '6,000 ms  failed: SENTINEL_TIMEOUT:total after 3 attempts',
    ]);
  });

  it('an error’s trace survives JSON.stringify', async () => {
    server.route('/gone', { type: 'status', status: 404 });
    const client = make({ baseUrl: server.url, trace: true });
    const error = await caught(client.get('/gone'));
    expect(isHttpError(error)).toBe(true);
    const trace = traceOf(error);
    expect(trace?.map((e) => e.decision)).toEqual(['send', 'response', 'end']);
    const revived = JSON.parse(JSON.stringify(error)) as { trace: unknown; status: number };
    expect(revived.status).toBe(404);
    expect(revived.trace).toEqual(trace);
    expect(JSON.stringify(revived.trace)).toBe(JSON.stringify(trace));
  });
});

describe('decision trace: on and off', () => {
  // Records what each call hands to the layers inside it.
  const spy = (): Policy & { seen: unknown[] } => {
    const seen: unknown[] = [];
    return {
      seen,
      execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
        seen.push(options?.onDecision);
        return runOperation(fn, contextFor(options));
      },
    };
  };

  it('off by default: no trace on the response or the error, and policies get no listener', async () => {
    server.route('/gone', { type: 'status', status: 404 });
    const policy = spy();
    // The listener goes to the layers only for someone listening on sentinel:client:decision
    // (normally nobody; with isolate: false an earlier file's instrumentation may still be).
    const listening = channel('sentinel:client:decision').hasSubscribers;
    const client = make({ baseUrl: server.url, policies: [policy] });
    const response = await client.get('/ok');
    expect(response.trace).toBeUndefined();
    expect('trace' in response).toBe(false);
    const error = await caught(client.get('/gone'));
    expect(traceOf(error)).toBeUndefined();
    if (listening) expect(policy.seen.every((listener) => typeof listener === 'function')).toBe(true);
    else expect(policy.seen).toEqual([undefined, undefined]);
  });

  it('per request: { trace: true } on an untraced client, { trace: false } on a traced one', async () => {
    const plain = make({ baseUrl: server.url });
    expect((await plain.get('/ok', { trace: true })).trace?.at(-1)).toMatchObject({ decision: 'end', ok: true });
    const traced = make({ baseUrl: server.url, trace: true });
    expect((await traced.get('/ok', { trace: false })).trace).toBeUndefined();
    expect((await traced.get('/ok')).trace?.map((e) => e.decision)).toEqual(['send', 'response', 'end']);
  });

  it('a concurrent request through the same shared policies gets only its own decisions', async () => {
    server.route('/slow-fail', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, retry: retry({ maxAttempts: 2, backoff: constant(50), clock }) });
    const failing = client.get('/slow-fail', { trace: true });
    const other = await client.get('/ok', { trace: true });
    await advanceThrough(clock, 1);
    expect((await failing).trace?.filter((e) => e.layer === 'retry')).toHaveLength(1);
    expect(other.trace?.filter((e) => e.layer === 'retry')).toEqual([]);
  });

  it('a bad trace option is refused: typed, naming it', async () => {
    const client = make({ baseUrl: server.url });
    const error = await caught(client.get('/ok', { trace: 'yes' as never }));
    expect(isInvalidRequestError(error)).toBe(true);
    expect((error as Error).message).toContain('trace');
    expect(server.stats().requests).toBe(0);
    let thrown: unknown;
    try {
      createClient({ trace: 1 as never });
    } catch (e) {
      thrown = e;
    }
    expect(isConfigError(thrown)).toBe(true);
    expect((thrown as Error).message).toBe('createClient: "trace" must be true or false; received 1');
  });
});
