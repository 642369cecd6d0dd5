import { afterEach, describe, expect, it, vi } from 'vitest';
import { isPoolClosedError } from '../errors.ts';
import { createThreadPool } from './create-thread-pool.ts';
import type * as Counting from './fixtures/counting.ts';

const module = new URL('./fixtures/counting.ts', import.meta.url);

describe('createThreadPool: map listens to its abort once, not once per task', { timeout: 120_000 }, () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('adds a constant number of abort listeners for 60 items, and leaving early still aborts the rest', async () => {
    await using pool = await createThreadPool<typeof Counting>({ module, threads: 2 });
    const added = vi.spyOn(AbortSignal.prototype, 'addEventListener');
    const items = Array.from({ length: 60 }, (_, i) => i);
    const seen: number[] = [];
    for await (const result of pool.map('plain', items)) if (result.ok) seen.push(result.value);
    expect(seen.sort((a, b) => a - b)).toEqual(items);
    // Per task this was one listener each (60+); now the map's own, whatever the item count.
    expect(added.mock.calls.filter(([type]) => type === 'abort').length).toBeLessThan(5);

    // Leaving after the first result aborts the tasks still in flight; the pool stays usable.
    for await (const result of pool.map('plain', items)) {
      expect(result.ok).toBe(true);
      break;
    }
    await expect.poll(() => pool.stats().running, { timeout: 30_000, interval: 20 }).toBe(0);
    expect(pool.stats().queued).toBe(0);
    expect(await pool.run('plain', 7)).toBe(7);
    await pool.close();
    expect(isPoolClosedError(await pool.run('plain', 1).catch((error: unknown) => error))).toBe(true);
  });
});
