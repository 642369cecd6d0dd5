import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { hedge } from '@sentinel/backoff';
import type { ChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import type { DecisionMessage } from '../client/diagnostics.ts';
import { until } from '../test-support/until.ts';
import { useChaosServers } from '../test-support/use-chaos-servers.ts';
import { formatTrace } from './format-trace.ts';

let server: ChaosServer;
const { make } = useChaosServers(1, ([started]) => {
  server = started;
});

describe('decision trace of hedged requests (issue 13: the hedge reported nothing)', () => {
  it('a slow first request: the hedge starts after its delay, the hedge wins, the first request is aborted', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, trace: true, hedge: hedge({ delayMs: 100, clock }) });
    const pending = client.get('/item');
    await until(() => server.stats().requests === 1);
    await clock.advance(100);
    const response = await pending;
    expect(response.trace).toEqual([
      { at: 0, layer: 'client', decision: 'send', attempt: 1 },
      { at: 100, layer: 'hedge', decision: 'start', hedge: 1, afterMs: 100, reason: 'delay' },
      { at: 100, layer: 'client', decision: 'send', attempt: 2 },
      { at: 100, layer: 'client', decision: 'response', attempt: 2, status: 200, retryable: false },
      { at: 100, layer: 'hedge', decision: 'win', hedges: 1, attempt: 2, hedge: 1 },
      { at: 100, layer: 'hedge', decision: 'abort', attempts: [1] },
      { at: 100, layer: 'client', decision: 'end', ok: true, attempts: 2, status: 200 },
    ]);
    expect(formatTrace(response.trace ?? [])).toBe(
      [
        '  0 ms  attempt 1 sent',
        '100 ms  hedge 1 started after 100 ms (no answer yet)',
        '100 ms  attempt 2 sent',
        '100 ms  attempt 2: 200',
        '100 ms  hedge: attempt 2 won (hedge 1), 1 hedge started',
        '100 ms  hedge: aborted the losers: attempt 1',
        '100 ms  done: 200 after 2 attempts',
      ].join('\n'),
    );
    await until(() => server.stats().inFlight === 0);
  });

  it('a failed first request: the hedge starts at once on the failure and wins; nothing is left to abort', async () => {
    server.route('/flaky', [{ type: 'status', status: 503, times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, hedge: hedge({ delayMs: 60_000, clock }) });
    const response = await client.get('/flaky', { trace: true });
    const hedgeEntries = (response.trace ?? []).filter((e) => e.layer === 'hedge');
    expect(hedgeEntries).toEqual([
      { at: 0, layer: 'hedge', decision: 'start', hedge: 1, afterMs: 0, reason: 'failure' },
      { at: 0, layer: 'hedge', decision: 'win', hedges: 1, attempt: 2, hedge: 1 },
    ]);
    expect(clock.pending).toBe(0);
  });

  it('the first request wins before the delay: no hedge started, no hedge entry', async () => {
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, trace: true, hedge: hedge({ delayMs: 100, clock }) });
    const response = await client.get('/fast');
    expect((response.trace ?? []).filter((e) => e.layer === 'hedge')).toEqual([]);
  });

  it('untraced requests followed on diagnostics_channel get the hedge decisions too', async () => {
    server.route('/item', [{ type: 'hang', times: 1 }]);
    const clock = new ManualClock();
    const client = make({ baseUrl: server.url, clock, hedge: hedge({ delayMs: 50, clock }) });
    const seen: string[] = [];
    const listener = (message: unknown) => {
      const { entry } = message as DecisionMessage;
      if (entry.layer === 'hedge') seen.push(entry.decision);
    };
    subscribe('sentinel:client:decision', listener);
    try {
      const pending = client.get('/item');
      await until(() => server.stats().requests === 1);
      await clock.advance(50);
      const response = await pending;
      expect(response.trace).toBeUndefined();
    } finally {
      unsubscribe('sentinel:client:decision', listener);
    }
    expect(seen).toEqual(['start', 'win', 'abort']);
    await until(() => server.stats().inFlight === 0);
  });
});
