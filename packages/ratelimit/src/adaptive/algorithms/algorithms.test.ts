import { describe, expect, it } from 'vitest';
import { Aimd } from './aimd.ts';
import { Gradient } from './gradient.ts';
import type { LimitAlgorithm } from './limit-algorithm.ts';

/** Feeds `count` successful calls of `rttMs`, each admitted with `inFlight` calls running. */
function succeed(algorithm: LimitAlgorithm, count: number, rttMs: number, inFlight = Math.floor(algorithm.limit)) {
  for (let i = 0; i < count; i++) {
    algorithm.update({ ticket: 1_000 + i, nextTicket: 2_000, rttMs, inFlight, overload: false });
  }
}

describe('limit algorithms', () => {
  it('aimd adds 1 / limit per success in use and multiplies by 0.9 on an overload', () => {
    const aimd = new Aimd(10, 1, 100);
    succeed(aimd, 1, 5);
    expect(aimd.limit).toBeCloseTo(10.1);
    aimd.update({ ticket: 5, nextTicket: 6, rttMs: 1, inFlight: 10, overload: true });
    expect(aimd.limit).toBeCloseTo(9.09);
    // Admitted before that decrease (ticket 5 < 6): no second cut for the same window.
    aimd.update({ ticket: 5, nextTicket: 7, rttMs: 1, inFlight: 10, overload: true });
    expect(aimd.limit).toBeCloseTo(9.09);
    aimd.update({ ticket: 6, nextTicket: 7, rttMs: 1, inFlight: 10, overload: true });
    expect(aimd.limit).toBeCloseTo(8.181);
    expect(aimd.rtt()).toBeNull();
  });

  it('gradient grows by about 0.2 × √limit per window while latency is steady', () => {
    const gradient = new Gradient(20, 1, 1_000);
    succeed(gradient, 19, 10);
    expect(gradient.limit).toBe(20); // the window (20 calls) is not complete yet
    succeed(gradient, 1, 10);
    expect(gradient.limit).toBeCloseTo(20 + 0.2 * Math.sqrt(20));
    expect(gradient.rtt()).toEqual({ shortMs: 10, longMs: 10 });
  });

  it('gradient shrinks the limit when latency rises (the dependency queues), before any error', () => {
    const gradient = new Gradient(20, 1, 1_000);
    for (let w = 0; w < 5; w++) succeed(gradient, Math.floor(gradient.limit), 10);
    const before = gradient.limit;
    expect(before).toBeGreaterThan(23);
    for (let w = 0; w < 5; w++) succeed(gradient, Math.floor(gradient.limit), 40);
    expect(gradient.limit).toBeLessThan(before - 4);
    const { shortMs, longMs } = gradient.rtt();
    expect(shortMs).toBe(40);
    expect(longMs).toBeGreaterThan(10);
    expect(longMs).toBeLessThan(20);
  });

  it('gradient learns nothing about capacity while the limit is not in use', () => {
    const gradient = new Gradient(20, 1, 1_000);
    succeed(gradient, 100, 10, 3);
    expect(gradient.limit).toBe(20);
    succeed(gradient, 100, 50, 3);
    expect(gradient.limit).toBe(20);
  });

  it('gradient lets the long-run latency come back down quickly after a long overload', () => {
    const gradient = new Gradient(10, 1, 1_000);
    for (let w = 0; w < 200; w++) succeed(gradient, Math.floor(gradient.limit), 100);
    expect(gradient.rtt().longMs).toBeCloseTo(100);
    succeed(gradient, Math.floor(gradient.limit), 10);
    // long (≈ 95.5) > 2 × short (10): decayed by 5 % on top of the average.
    expect(gradient.rtt().longMs).toBeCloseTo((100 + 0.05 * (10 - 100)) * 0.95);
  });

  it('both stay within [min, max], and a zero latency does not break the gradient', () => {
    for (const algorithm of [new Aimd(5, 5, 6), new Gradient(5, 5, 6)]) {
      for (let i = 0; i < 50; i++) {
        algorithm.update({ ticket: i, nextTicket: i + 1, rttMs: 0, inFlight: 5, overload: true });
      }
      expect(algorithm.limit).toBe(5);
      succeed(algorithm, 500, 0, 6);
      expect(algorithm.limit).toBe(6);
    }
  });
});
