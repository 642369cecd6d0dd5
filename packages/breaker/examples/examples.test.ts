import { readFileSync } from 'node:fs';
import { circuitBreaker, isCircuitOpenError } from '@sentinel/breaker';
import { describe, expect, it } from 'vitest';
import { api } from './http-outcomes.ts';
import { callOrigin, origins } from './per-origin.ts';
import { breakerHooks } from './permits.ts';
import { restore, save } from './persist.ts';
import { openThenRecover } from './testing.ts';
import { inventory, stockOf } from './wrap-a-call.ts';

const FILES = ['wrap-a-call.ts', 'http-outcomes.ts', 'permits.ts', 'per-origin.ts', 'persist.ts', 'testing.ts'];

describe('README examples', () => {
  it('wrap-a-call.ts falls back while open, without calling the service', async () => {
    let calls = 0;
    const down = async () => {
      calls++;
      throw new Error('503');
    };
    for (let i = 0; i < 5; i++) await expect(stockOf('sku', down)).rejects.toThrow('503');
    expect(await stockOf('sku', down)).toBe('unknown');
    expect(calls).toBe(5);
    inventory.reset();
    expect(await stockOf('sku', async () => 7)).toBe(7);
  });

  it('http-outcomes.ts counts 5xx, ignores 404', async () => {
    for (let i = 0; i < 10; i++) await api.execute(async () => ({ status: 404 }));
    expect(api.status().calls).toBe(0);
    for (let i = 0; i < 10; i++) await api.execute(async () => ({ status: 503 }));
    expect(api.state).toBe('open');
  });

  it('permits.ts settles one permit per request', () => {
    const breaker = circuitBreaker();
    const hooks = breakerHooks<{ url: string }>(breaker);
    for (let i = 0; i < 5; i++) {
      const request = hooks.onRequest({ url: '/x' });
      hooks.onError(request, new Error('reset'));
      hooks.onError(request, new Error('reported twice')); // a no-op
    }
    expect(breaker.state).toBe('open');
    let error: unknown;
    try {
      hooks.onRequest({ url: '/y' });
    } catch (e) {
      error = e;
    }
    expect(isCircuitOpenError(error)).toBe(true);
    expect(error).toMatchObject({ state: 'open', retryAfterMs: expect.any(Number) });
  });

  it('per-origin.ts keeps one breaker per origin', async () => {
    const down = () => Promise.reject(new Error('down'));
    for (let i = 0; i < 3; i++) await callOrigin('https://a.example/x', down).catch(() => {});
    await expect(callOrigin('https://a.example/y', async () => 1)).rejects.toSatisfy(isCircuitOpenError);
    expect(await callOrigin('https://b.example/y', async () => 2)).toBe(2);
    expect(origins.keys()).toEqual(['https://a.example', 'https://b.example']);
  });

  it('persist.ts restores an open breaker as open', () => {
    const breaker = restore(undefined);
    for (let i = 0; i < 20; i++) breaker.tryAcquire()?.failure();
    expect(breaker.state).toBe('open');
    expect(restore(save(breaker)).state).toBe('open');
  });

  it('testing.ts goes open, half-open, closed without waiting', async () => {
    expect(await openThenRecover()).toEqual(['open', 'half-open', 'closed']);
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of FILES) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(source);
    }
  });
});
