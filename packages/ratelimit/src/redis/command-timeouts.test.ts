import { isTimeoutError } from '@sentinel/core';
import { flushMicrotasks, ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { CommandTimeouts } from './command-timeouts.ts';

describe('CommandTimeouts', () => {
  it('fails a command that takes too long with a TimeoutError, using one timer for all', async () => {
    const clock = new ManualClock();
    const timeouts = new CommandTimeouts(clock, 100);
    const hanging = Array.from({ length: 20 }, () => timeouts.bound(new Promise<never>(() => {})).catch((e) => e));
    await flushMicrotasks();
    expect(clock.pending).toBe(1);
    await clock.advance(50);
    const later = timeouts.bound(new Promise<never>(() => {})).catch((e) => e);
    await clock.advance(50);
    for (const error of await Promise.all(hanging)) expect(isTimeoutError(error)).toBe(true);
    expect(clock.pending).toBe(1);
    await clock.advance(50);
    expect(isTimeoutError(await later)).toBe(true);
    await clock.advance(1_000);
    expect(clock.pending).toBe(0);
  });

  it('passes through values and errors that arrive in time', async () => {
    const clock = new ManualClock();
    const timeouts = new CommandTimeouts(clock, 100);
    expect(await timeouts.bound(Promise.resolve('OK'))).toBe('OK');
    await expect(timeouts.bound(Promise.reject(new Error('WRONGTYPE')))).rejects.toThrow('WRONGTYPE');
    await clock.advance(100);
    expect(clock.pending).toBe(0);
  });
});
