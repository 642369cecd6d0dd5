import { readFileSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { explain } from './decision-trace.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ routes: { '/flaky': [{ type: 'status', status: 503, times: 1 }] } });
});
afterEach(async () => {
  await server.close();
});

describe('README example decision-trace.ts', () => {
  it('explains a request that was retried once', async () => {
    const clock = new ManualClock();
    const pending = explain(server.url, '/flaky', clock);
    for (let i = 0; i < 500 && clock.pending === 0; i++) await nextTurn();
    await clock.advance(250);
    expect(await pending).toBe(
      [
        '  0 ms  attempt 1 sent',
        '  0 ms  attempt 1: 503 (retryable status)',
        '  0 ms  retry: wait 250 ms (backoff 250 ms)',
        '250 ms  attempt 2 sent',
        '250 ms  attempt 2: 200',
        '250 ms  done: 200 after 2 attempts',
      ].join('\n'),
    );
  });

  it('the README shows the example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./decision-trace.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/decision-trace.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });
});
