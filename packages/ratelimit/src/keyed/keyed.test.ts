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

  it('regression (issue 15): once every key is idle past idleMs, the first AND the last are evicted', async () => {
    const { clock, limiters, created } = setup({ idleMs: 1_000 });
    limiters.tryAcquire('first', 2);
    limiters.get('middle');
    limiters.tryAcquire('last', 2);
    await clock.advance(1_001);
    // Before the fix the most recently used key survived any idleness.
    expect(limiters.status()).toEqual({ keys: 0, maxKeys: 10_000, idleMs: 1_000, evicted: 3 });
    expect([limiters.has('first'), limiters.has('last')]).toEqual([false, false]);
    // Used again, each is created afresh (full bucket), not handed back drained.
    expect(limiters.tryAcquire('last', 2)).toBe(true);
    expect(limiters.tryAcquire('first', 2)).toBe(true);
    expect(created).toEqual(['first', 'middle', 'last', 'last', 'first']);
  });

  it('idleness is inclusive at exactly idleMs, and a single key is evicted too', async () => {
    const { clock, limiters } = setup({ idleMs: 1_000 });
    limiters.get('only');
    await clock.advance(999);
    expect(limiters.status().keys).toBe(1);
    await clock.advance(1);
    expect(limiters.status().keys).toBe(0);
  });

  it('a busy newest key survives idleness and is looked at once per pass (no endless loop)', async () => {
    const { clock, limiters } = setup({ idleMs: 10 });
    limiters.get('idle');
    limiters.tryAcquire('busy', 2);
    const waiting = limiters.acquire('busy', 2);
    await clock.advance(10);
    expect(limiters.status().keys).toBe(1);
    expect([limiters.has('idle'), limiters.has('busy')]).toEqual([false, true]);
    await clock.advance(2_000);
    await waiting;
    await clock.advance(10);
    expect(limiters.status().keys).toBe(0);
  });

  it('a scraper touching a million hosts keeps memory bounded by maxKeys', () => {
    const { limiters } = setup({ maxKeys: 1_000 });
    for (let i = 0; i < 1_000_000; i++) limiters.tryAcquire(`host-${i}`);
    expect(limiters.size).toBe(1_000);
    expect(limiters.status().evicted).toBe(999_000);
    // A million creations take ~1 s alone but over 5 s on a loaded 2-core machine: this test
    // bounds memory, not time.
  }, 30_000);

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
