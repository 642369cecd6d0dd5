import { isConfigError } from '@sentinel/core';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { breakerGroup } from './breaker-group.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { consecutive } from './triggers/consecutive.ts';

function group(options: { maxKeys?: number; idleMs?: number } = {}) {
  const clock = new ManualClock();
  const created: string[] = [];
  const breakers = breakerGroup({
    create: (key: string) => {
      created.push(key);
      return circuitBreaker({ trigger: consecutive({ threshold: 1 }), clock });
    },
    clock,
    ...options,
  });
  return { clock, created, breakers };
}

describe('breakerGroup', () => {
  it('keeps one breaker per key: one failing origin does not open the others', async () => {
    const { breakers, created } = group();
    const a = breakers.get('https://a.example');
    expect(breakers.get('https://a.example')).toBe(a);
    await a.execute(async () => Promise.reject(new Error('down'))).catch(() => {});
    expect(a.state).toBe('open');
    expect(breakers.get('https://b.example').state).toBe('closed');
    expect(created).toEqual(['https://a.example', 'https://b.example']);
  });

  it('evicts the least recently used breaker beyond maxKeys', () => {
    const { breakers, created } = group({ maxKeys: 2 });
    breakers.get('a');
    breakers.get('b');
    breakers.get('a'); // a is now the most recently used
    breakers.get('c'); // evicts b
    expect(breakers.keys()).toEqual(['a', 'c']);
    expect(breakers.peek('b')).toBeUndefined();
    breakers.get('b');
    expect(created).toEqual(['a', 'b', 'c', 'b']);
    expect(breakers.size).toBe(2);
  });

  it('evicts breakers idle for idleMs, lazily and without a timer', async () => {
    const { breakers, clock, created } = group({ idleMs: 1_000 });
    const a = breakers.get('a');
    await clock.advance(600);
    breakers.get('b');
    await clock.advance(400);
    expect(breakers.keys()).toEqual(['b']); // a was idle for 1000 ms
    expect(clock.pending).toBe(0);
    expect(breakers.get('a')).not.toBe(a);
    await clock.advance(999);
    expect(breakers.size).toBe(1); // b (used at 600) is idle for 1399 ms, the new a for 999
    expect(breakers.keys()).toEqual(['a']);
    expect(created).toEqual(['a', 'b', 'a']);
  });

  it('memory stays bounded over 10,000 keys', () => {
    const { breakers } = group({ maxKeys: 100 });
    for (let i = 0; i < 10_000; i++) breakers.get(`key-${i}`);
    expect(breakers.size).toBe(100);
    expect(breakers.keys()[0]).toBe('key-9900');
  });

  it('delete() and clear() forget breakers', () => {
    const { breakers } = group();
    breakers.get('a');
    breakers.get('b');
    expect(breakers.delete('a')).toBe(true);
    expect(breakers.delete('a')).toBe(false);
    breakers.clear();
    expect(breakers.size).toBe(0);
  });

  it('rejects bad options and a create() that returns no breaker', () => {
    for (const [options, option] of [
      [{}, 'create'],
      [{ create: () => circuitBreaker(), maxKeys: 0 }, 'maxKeys'],
      [{ create: () => circuitBreaker(), idleMs: 0 }, 'idleMs'],
      [{ create: () => circuitBreaker(), idleMs: Number.NaN }, 'idleMs'],
    ] as const) {
      expect(() => breakerGroup(options as never)).toThrow(
        expect.objectContaining({ code: 'SENTINEL_CONFIG', option }),
      );
    }
    const broken = breakerGroup({ create: () => ({}) as never });
    let error: unknown;
    try {
      broken.get('x');
    } catch (e) {
      error = e;
    }
    expect(isConfigError(error) && error.option).toBe('create');
    expect(breakerGroup({ create: () => circuitBreaker(), idleMs: Number.POSITIVE_INFINITY }).get('x')).toBeDefined();
  });
});
