import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { tokenBucket } from '../token-bucket/token-bucket.ts';
import { keyed } from './keyed.ts';

function setup(options: { maxKeys?: number; idleMs?: number } = {}) {
  const clock = new ManualClock();
  const created: string[] = [];
  const limiters = keyed({
    create: (key: string) => {
      created.push(key);
      return tokenBucket({ capacity: 2, refillPerSecond: 1, clock });
    },
    clock,
    ...options,
  });
  return { clock, limiters, created };
}

describe('keyed', () => {
  it('keeps one independent limiter per key, created on first use', () => {
    const { limiters, created } = setup();
    expect(limiters.tryAcquire('a', 2)).toBe(true);
    expect(limiters.tryAcquire('a')).toBe(false);
    expect(limiters.tryAcquire('b')).toBe(true);
    expect(limiters.get('a')).toBe(limiters.get('a'));
    expect(created).toEqual(['a', 'b']);
    expect(limiters.size).toBe(2);
  });

  it('evicts the least recently used key beyond maxKeys', () => {
    const { limiters } = setup({ maxKeys: 2 });
    limiters.get('a');
    limiters.get('b');
    limiters.get('a');
    limiters.get('c');
    expect([limiters.has('a'), limiters.has('b'), limiters.has('c')]).toEqual([true, false, true]);
    expect(limiters.status()).toEqual({ keys: 2, maxKeys: 2, idleMs: null, evicted: 1 });
  });

  it('drops idle keys lazily, at the next use, without timers', async () => {
    const { clock, limiters, created } = setup({ idleMs: 1_000 });
    limiters.tryAcquire('a', 2);
    await clock.advance(500);
    limiters.get('b');
    await clock.advance(600);
    expect(clock.pending).toBe(0);
    limiters.get('b');
    expect(limiters.has('a')).toBe(false);
    expect(limiters.tryAcquire('a', 2)).toBe(true);
    expect(created).toEqual(['a', 'b', 'a']);
  });

  it('a scraper touching a million hosts keeps memory bounded by maxKeys', () => {
    const { limiters } = setup({ maxKeys: 1_000 });
    for (let i = 0; i < 1_000_000; i++) limiters.tryAcquire(`host-${i}`);
    expect(limiters.size).toBe(1_000);
    expect(limiters.status().evicted).toBe(999_000);
  });

  it('never evicts a key whose acquire is still waiting', async () => {
    const { clock, limiters } = setup({ maxKeys: 1, idleMs: 10 });
    limiters.tryAcquire('a', 2);
    const waiting = limiters.acquire('a', 2);
    limiters.get('b');
    await clock.advance(100);
    limiters.get('c');
    expect(limiters.has('a')).toBe(true);
    await clock.advance(2_000);
    await waiting;
    await clock.advance(100);
    limiters.get('d');
    expect(limiters.has('a')).toBe(false);
  });

  it('delete and clear forget keys', () => {
    const { limiters } = setup();
    limiters.get('a');
    limiters.get('b');
    expect(limiters.delete('a')).toBe(true);
    limiters.clear();
    expect(limiters.size).toBe(0);
  });

  it('refuses bad options', () => {
    expect(() => keyed({ create: 1 as never })).toThrow(/"create" must be a function/);
    expect(() => keyed({ create: () => tokenBucket({ capacity: 1, refillPerSecond: 1 }), maxKeys: 0 })).toThrow(
      /"maxKeys" must be an integer >= 1/,
    );
    expect(() => keyed({ create: () => tokenBucket({ capacity: 1, refillPerSecond: 1 }), idleMs: 0 })).toThrow(
      /"idleMs"/,
    );
  });
});
