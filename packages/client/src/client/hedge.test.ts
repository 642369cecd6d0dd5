import { setTimeout as delay } from 'node:timers/promises';
import { constant, hedge, isHedgeLostError, retry, retryBudget } from '@sentinel/backoff';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import type { ChaosServer } from '@sentinel/chaos';
import { contextFor, type ExecuteOptions, type Operation, type Policy, runOperation } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { isHttpError, isInvalidRequestError } from '../errors.ts';
import { caught } from '../test-support/caught.ts';
import { until } from '../test-support/until.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { type Client, createClient } from './client.ts';

let server: ChaosServer;
const { make } = useChaosServers(1, ([started]) => {
  server = started;
});

/** Requests the undici pool of `client` still runs or queues (0 when nothing leaked). */
function busy(client: Client): number {
  const pools = Object.values((client.status().pool ?? {}) as Record<string, { running: number; pending: number }>);
  return pools.reduce((sum, pool) => sum + pool.running + pool.pending, 0);
}

/** A policy inside the hedge that records the attempt number each request runs as. */
function attemptRecorder(): Policy & { seen: number[] } {
  const seen: number[] = [];
  return {
    seen,
    execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
      const context = contextFor(options);
      seen.push(context.attempt);
      return runOperation(fn, context);
    },
  };
}

describe('hedged requests on the chaos server', () => {
  it('a slow GET is hedged: the hedge answers, the first request is aborted and its socket closed', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const hedging = hedge({ delayMs: 100, maxHedges: 2, clock });
    const client = make({ baseUrl: server.url, hedge: hedging });
    const pending = client.get('/item');
    await until(() => server.stats().requests === 1);
    await clock.advance(100);
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.attempts).toBe(2);
    expect(server.stats().requests).toBe(2);
    // The loser was aborted: the server sees its connection close long before any timeout.
    await until(() => server.stats().inFlight === 0);
    await until(() => busy(client) === 0);
    expect(hedging.status()).toMatchObject({ calls: 1, hedges: 1, hedgeWins: 1, running: 0 });
    expect(client.status()).toMatchObject({ requests: 1, attempts: 2, inFlight: 0 });
    expect(clock.pending).toBe(0);
  });

  it('the server sees at most 1 + maxHedges requests per call, however long the call lasts', async () => {
    server.route('/hang', { type: 'hang' });
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 100, maxHedges: 2, clock }) });
    const controller = new AbortController();
    const pending = caught(client.get('/hang', { signal: controller.signal }));
    for (let expected = 1; expected <= 3; expected++) {
      await until(() => server.stats().requests === expected);
      await clock.advance(100);
    }
    await clock.advance(10_000);
    await delay(50);
    expect(server.stats().requests).toBe(3);
    const reason = new Error('user left');
    controller.abort(reason);
    expect(await pending).toBe(reason);
    await until(() => server.stats().inFlight === 0);
    await until(() => busy(client) === 0);
  });

  it('a failing request is hedged at once, up to 1 + maxHedges requests, then fails with the last HttpError', async () => {
    server.route('/down', { type: 'status', status: 503 });
    const hedging = hedge({ delayMs: 60_000, maxHedges: 2, clock: new ManualClock() });
    const client = make({ baseUrl: server.url, hedge: hedging });
    const error = await caught(client.get('/down'));
    expect(isHttpError(error)).toBe(true);
    expect(error).toMatchObject({ status: 503 });
    expect(server.stats().requests).toBe(3);
    expect(hedging.status()).toMatchObject({ hedges: 2, giveUps: 1 });
  });

  it('never hedges a request that may not be repeated; an idempotency key makes it hedgeable', async () => {
    server.route('/orders', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 100, clock }) });
    const controller = new AbortController();
    const unkeyed = caught(client.post('/orders', { json: { item: 1 }, signal: controller.signal }));
    await until(() => server.stats().requests === 1);
    await clock.advance(1_000);
    await delay(50);
    expect(server.stats().byRoute['POST /orders']).toBe(1);
    controller.abort();
    await unkeyed;

    server.route('/orders', [{ type: 'hang', times: 1 }]);
    const keyed = client.post('/orders', { json: { item: 2 }, idempotencyKey: 'order-2' });
    await until(() => server.stats().byIdempotencyKey['order-2'] === 1);
    await clock.advance(100);
    expect((await keyed).status).toBe(200);
    expect(server.stats().byIdempotencyKey['order-2']).toBe(2);
  });

  it('per request: false opts out, a policy replaces the client’s; a bad value or an unrepeatable request is refused, nothing sent', async () => {
    server.route('/once', [{ type: 'echo', latencyMs: 30, times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 0, clock }) });
    expect((await client.get('/once', { hedge: false })).attempts).toBe(1);
    expect(server.stats().byPath['/once']).toBe(1);

    // delayMs 0: both attempts start at once (the first to answer wins, the other is aborted).
    const plain = make({ baseUrl: server.url });
    const own = hedge({ delayMs: 0, maxHedges: 1, clock });
    await plain.get('/twice', { hedge: own });
    expect(own.status()).toMatchObject({ calls: 1, hedges: 1 });
    await until(() => own.status().running === 0); // the loser settles once its abort lands
    expect(plain.status()).toMatchObject({ requests: 1, attempts: 2 });

    const before = server.stats().requests;
    const refused = await caught(plain.post('/orders', { json: {}, hedge: own }));
    expect(isInvalidRequestError(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/only a request that may be repeated can be hedged/);
    const bad = await caught(plain.get('/x', { hedge: 'yes' as never }));
    expect(bad).toMatchObject({ code: 'SENTINEL_INVALID_REQUEST', part: 'options' });
    expect(server.stats().requests).toBe(before);
    expect(() => createClient({ hedge: {} as never })).toThrow('createClient: "hedge" must be a policy');
  });

  it('a loser caught mid-body is destroyed, not read to the end', async () => {
    // The first answer trickles 200 kB at 2 kB/s: reading it whole would take 100 s.
    server.route('/big', [{ type: 'slow-body', size: 200_000, bytesPerSecond: 2_000, times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 100, clock }) });
    const pending = client.get('/big');
    await until(() => server.stats().bytesSent > 0);
    await clock.advance(100);
    const response = await pending;
    expect(response.attempts).toBe(2);
    expect(await response.json()).toMatchObject({ method: 'GET', url: '/big' });
    await until(() => server.stats().inFlight === 0);
    await until(() => busy(client) === 0);
    expect(server.stats().bytesSent).toBeLessThan(100_000);
  });

  it('the winner’s signal is not aborted: its streamed body is read to the end after the call settled', async () => {
    server.route('/export', [
      { type: 'hang', times: 1 },
      { type: 'slow-body', size: 3_000, bytesPerSecond: 60_000 },
    ]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 100, clock }) });
    const pending = client.get('/export', { stream: true });
    await until(() => server.stats().requests === 1);
    await clock.advance(100);
    await using response = await pending;
    expect(response.attempts).toBe(2);
    expect((await response.bytes()).length).toBe(3_000);
    await until(() => server.stats().inFlight === 0);
    await until(() => busy(client) === 0);
  });

  it('sits retry → hedge → breaker → policies: every hedged attempt passes the inner layers, a lost one counts as no failure', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const recorder = attemptRecorder();
    const breaker = circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    const client = make({
      baseUrl: server.url,
      hedge: hedge({ delayMs: 100, clock }),
      breaker,
      policies: [recorder],
    });
    const pending = client.get('/item');
    await until(() => server.stats().requests === 1);
    await clock.advance(100);
    expect((await pending).status).toBe(200);
    expect(recorder.seen).toEqual([1, 2]);
    await until(() => server.stats().inFlight === 0);
    // The aborted loser failed with its HedgeLostError: the breaker ignored it (threshold 1).
    expect(breaker.state).toBe('closed');

    // Outside, a retry runs the hedge again once it gave up: 503, 503 (hedged), then 503, 200.
    server.route('/flaky', [{ type: 'status', status: 503, times: 3 }]);
    const retrying = make({
      baseUrl: server.url,
      retry: retry({ maxAttempts: 2, backoff: constant(0), clock }),
      hedge: hedge({ delayMs: 60_000, clock }),
    });
    expect((await retrying.get('/flaky')).status).toBe(200);
    expect(server.stats().byPath['/flaky']).toBe(4);
  });

  it('hedges spend the retry budget: a refused hedge is not sent', async () => {
    // The answer comes late in real time, so the hedge's (manual) delay always passes first,
    // however slow the machine.
    server.route('/slow', [{ type: 'echo', latencyMs: 1_000, times: 1 }]);
    const clock = new ManualClock();
    const hedging = hedge({ delayMs: 10, budget: retryBudget({ ratio: 0, minPerSecond: 0, clock }), clock });
    const client = make({ baseUrl: server.url, hedge: hedging });
    const pending = client.get('/slow');
    await until(() => server.stats().requests === 1);
    await clock.advance(10);
    expect((await pending).attempts).toBe(1);
    expect(server.stats().requests).toBe(1);
    expect(hedging.status()).toMatchObject({ hedges: 0, budgetRefusals: 1 });
  });

  it('a lost attempt’s request is aborted with the HedgeLostError as its reason', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const reasons: unknown[] = [];
    const watcher: Policy = {
      execute<T>(fn: Operation<T>, options?: ExecuteOptions): Promise<T> {
        const context = contextFor(options);
        context.signal.addEventListener('abort', () => reasons.push(context.signal.reason));
        return runOperation(fn, context);
      },
    };
    const client = make({ baseUrl: server.url, hedge: hedge({ delayMs: 100, clock }), policies: [watcher] });
    const pending = client.get('/item');
    await until(() => server.stats().requests === 1);
    await clock.advance(100);
    await pending;
    expect(reasons).toHaveLength(1);
    expect(isHedgeLostError(reasons[0])).toBe(true);
    expect(reasons[0]).toMatchObject({ attempt: 1, winner: 2 });
  });
});
