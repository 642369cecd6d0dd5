import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { constant, retry } from '@sentinel/backoff';
import type { ChaosServer, EchoBody } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { simpleRetry } from '../test-support/policies.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import type {
  DecisionMessage,
  EndMessage,
  ErrorMessage,
  RequestMessage,
  ResponseMessage,
  StartMessage,
} from './diagnostics.ts';

let server: ChaosServer;
const { make } = useChaosServers(1, ([started]) => {
  server = started;
});
const subscriptions: [string, (message: unknown) => void][] = [];
const listen = <T>(name: string, into: T[], also?: (message: T) => void) => {
  const listener = (message: unknown) => {
    into.push(message as T);
    also?.(message as T);
  };
  subscribe(`sentinel:client:${name}`, listener);
  subscriptions.push([`sentinel:client:${name}`, listener]);
};
// Runs before the clients and servers close: vitest runs afterEach hooks in reverse order.
afterEach(() => {
  for (const [name, listener] of subscriptions.splice(0)) unsubscribe(name, listener);
});

describe('diagnostics_channel messages', () => {
  it('start, attempts, decisions and end share one request object; durations are on the client clock', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const client = make({
      baseUrl: server.url,
      clock,
      retry: retry({ maxAttempts: 2, backoff: constant(0), clock }),
    });
    const starts: StartMessage[] = [];
    const requests: RequestMessage[] = [];
    const responses: ResponseMessage[] = [];
    const errors: ErrorMessage[] = [];
    const decisions: DecisionMessage[] = [];
    const ends: EndMessage[] = [];
    listen('start', starts);
    listen('request', requests);
    listen('response', responses);
    listen('error', errors);
    listen('decision', decisions);
    listen('end', ends);
    const response = await client.get('/flaky?q=1');
    expect(response.status).toBe(200);
    // Observed but not traced: the caller gets no trace.
    expect(response.trace).toBeUndefined();
    const request = starts[0]?.request;
    expect(request).toEqual({ method: 'GET', url: `${server.url}/flaky?q=1`, origin: server.url });
    for (const message of [...requests, ...responses, ...errors, ...decisions, ...ends]) {
      expect(message.request).toBe(request);
    }
    expect(requests.map((m) => m.attempt)).toEqual([1, 2]);
    expect(responses.map((m) => [m.attempt, m.status, m.durationMs])).toEqual([
      [1, 503, 0],
      [2, 200, 0],
    ]);
    expect(errors.map((m) => [m.attempt, (m.error as { status?: number }).status])).toEqual([[1, 503]]);
    // Policies' decisions only: the client's own steps are the other messages.
    expect(decisions.map((m) => m.entry)).toEqual([
      { at: 0, layer: 'retry', decision: 'wait', attempt: 1, delayMs: 0, delaySource: 'backoff', backoffMs: 0 },
    ]);
    expect(ends).toEqual([{ request, ok: true, status: 200, error: undefined, attempts: 2, durationMs: 0 }]);
  });

  it('an attempt sent while nobody listened reports its duration to a subscriber that joined mid-attempt', async () => {
    server.route('/slow', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, timeouts: { headersMs: 500 } });
    const pending = client.get('/slow').catch((error: unknown) => error);
    for (let i = 0; i < 2_000 && server.stats().requests === 0; i++) await nextTurn();
    expect(server.stats().requests).toBe(1);
    // Joins after the send: an instrumentation started while requests are in flight.
    const errors: ErrorMessage[] = [];
    listen('error', errors);
    await clock.advance(500);
    expect(await pending).toMatchObject({ phase: 'headers' });
    expect(errors.map((m) => [m.attempt, m.durationMs])).toEqual([[1, 500]]);
  });

  it('setHeader adds a header to that attempt only, and the server receives it', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const client = make({
      baseUrl: server.url,
      clock,
      headers: { traceparent: 'from-the-user' },
      retry: simpleRetry({ maxAttempts: 2, clock }),
    });
    const inject = (message: unknown) => {
      const m = message as RequestMessage;
      m.setHeader('TraceParent', `attempt-${m.attempt}`);
    };
    subscribe('sentinel:client:request', inject);
    let echo: EchoBody;
    try {
      echo = (await (await client.get('/flaky')).json()) as EchoBody;
    } finally {
      unsubscribe('sentinel:client:request', inject);
    }
    const traceparent = (body: EchoBody) => body.headers.filter(([name]) => name.toLowerCase() === 'traceparent');
    expect(traceparent(echo)).toEqual([['traceparent', 'attempt-2']]);
    // The client's default headers were copied for the attempt, never changed.
    const after = (await (await client.get('/echo')).json()) as EchoBody;
    expect(traceparent(after)).toEqual([['traceparent', 'from-the-user']]);
  });

  it('setHeader refuses CR/LF in a value and a bad name, with a TypeError, and nothing is sent with it', async () => {
    const client = make({ baseUrl: server.url });
    const refusals: unknown[] = [];
    listen<RequestMessage>('request', [], (m) => {
      for (const [name, value] of [
        ['x-bad', 'a\r\nInjected: yes'],
        ['bad name', 'v'],
      ] as const) {
        try {
          m.setHeader(name, value);
        } catch (error) {
          refusals.push(error);
        }
      }
    });
    const echo = (await (await client.get('/echo')).json()) as EchoBody;
    expect(refusals).toHaveLength(2);
    expect(refusals.every((e) => e instanceof TypeError)).toBe(true);
    expect(echo.headers.some(([name]) => name.toLowerCase() === 'injected' || name === 'x-bad')).toBe(false);
  });
});
