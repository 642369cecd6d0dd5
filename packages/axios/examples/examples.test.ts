import { readFileSync } from 'node:fs';
import { isCircuitOpenError } from '@sentinel/breaker';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { ManualClock } from '@sentinel/core/testing';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi as createBreakerApi } from './breaker-in-five-lines.ts';
import { createApi as createFullApi } from './full-stack.ts';

let server: ChaosServer;
beforeEach(async () => {
  server = await startChaosServer({ seed: 3 });
});
afterEach(async () => {
  await server.close();
});

describe('README examples', () => {
  it('breaker-in-five-lines.ts fails fast after five 503s', async () => {
    server.route('/down', [{ type: 'status', status: 503 }]);
    const api = createBreakerApi(server.url);
    for (let i = 0; i < 5; i++) await expect(api.get('/down')).rejects.toMatchObject({ response: { status: 503 } });
    expect(isCircuitOpenError(await api.get('/down').catch((e: unknown) => e))).toBe(true);
    expect(server.stats().requests).toBe(5);
  });

  it('full-stack.ts rides out two 503s and returns the answer', async () => {
    server.route('/orders', [{ type: 'status', status: 503, times: 2 }]);
    const clock = new ManualClock();
    const api = createFullApi(server.url, clock);
    const call = api.get('/orders');
    for (let retries = 0; retries < 2; retries++) {
      await vi.waitFor(() => expect(clock.pending).toBeGreaterThan(0), { timeout: 5_000, interval: 1 });
      await clock.advance(5_000);
    }
    expect((await call).status).toBe(200);
    expect(server.stats().requests).toBe(3);
  });

  it('the repository README shows the five-line example exactly as it is here', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const source = readFileSync(new URL('./breaker-in-five-lines.ts', import.meta.url), 'utf8').trim();
    expect(readme).toContain(`<!-- examples/breaker-in-five-lines.ts -->\n\`\`\`ts\n${source}\n\`\`\``);
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of ['breaker-in-five-lines.ts', 'full-stack.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(
        `<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``,
      );
    }
  });
});
