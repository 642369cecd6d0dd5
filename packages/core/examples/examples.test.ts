import { readFileSync } from 'node:fs';
import { isRejectedError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { maintenanceWindow } from './custom-policy.ts';
import { loadProfile } from './deadline.ts';
import { loadPrices } from './fallback.ts';
import { deadlineWithManualClock } from './testing-with-manual-clock.ts';

describe('README examples', () => {
  it('deadline.ts returns the work’s value when it is in time', async () => {
    expect(await loadProfile(async () => 'Ada')).toBe('Ada');
  });

  it('deadline.ts passes other errors through', async () => {
    await expect(loadProfile(() => Promise.reject(new Error('404')))).rejects.toThrow('404');
  });

  it('custom-policy.ts refuses while closed, with retryAfterMs and an event, and runs otherwise', async () => {
    let closed = true;
    const policy = maintenanceWindow({ isClosed: () => closed, retryAfterMs: 5_000 });
    const seen: number[] = [];
    policy.onReject((event) => seen.push(event.retryAfterMs));
    const error = await policy.execute(() => 'never').catch((e: unknown) => e);
    expect(isRejectedError(error)).toBe(true);
    expect(seen).toEqual([5_000]);
    closed = false;
    expect(await policy.execute((ctx) => ctx.attempt)).toBe(1);
    expect(() => maintenanceWindow({ isClosed: 'no' as never })).toThrow(
      'maintenanceWindow: "isClosed" must be a function',
    );
  });

  it('testing-with-manual-clock.ts times out without waiting', async () => {
    expect(await deadlineWithManualClock()).toBe('TimeoutError');
  });

  it('fallback.ts serves the last prices seen when the service fails, and an abort as an abort', async () => {
    expect(await loadPrices(async () => ({ book: 12 }))).toEqual({ book: 12 });
    expect(await loadPrices(() => Promise.reject(new Error('503')))).toEqual({ book: 12 });
    const controller = new AbortController();
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(loadPrices(async () => ({ book: 13 }), controller.signal)).rejects.toBe(reason);
  });

  it('the README shows each example exactly as it is in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of ['deadline.ts', 'custom-policy.ts', 'testing-with-manual-clock.ts', 'fallback.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(
        `<!-- examples/${file} -->\n\`\`\`ts\n${source}\n\`\`\``,
      );
    }
  });
});
