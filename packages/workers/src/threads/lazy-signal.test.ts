import { describe, expect, it } from 'vitest';
import { createThreadPool } from './create-thread-pool.ts';
import type * as Counting from './fixtures/counting.ts';

const module = new URL('./fixtures/counting.ts', import.meta.url);

describe('createThreadPool: ctx.signal costs nothing until a handler reads it', { timeout: 120_000 }, () => {
  it('makes no AbortController for handlers that never read ctx.signal, one per task that does', async () => {
    await using pool = await createThreadPool<typeof Counting>({ module, threads: 1 });
    for (let i = 0; i < 20; i++) expect(await pool.run('plain', i)).toBe(i);
    expect(await pool.run('controllersMade', null)).toBe(0);
    expect(await pool.run('readsSignal', null)).toBe(true);
    expect(await pool.run('readsSignal', null)).toBe(true);
    expect(await pool.run('controllersMade', null)).toBe(2);
  });
});
