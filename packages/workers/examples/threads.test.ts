import { readFileSync } from 'node:fs';
import { startChaosServer } from '@sentinel/chaos';
import { describe, expect, it } from 'vitest';
import { fingerprintAll } from './threads.ts';

describe('README: thread pool example', () => {
  it('fingerprints every page on 2 threads, each with its own client, in input order', {
    timeout: 120_000,
  }, async () => {
    await using server = await startChaosServer();
    const paths = ['/a', '/b', '/c', '/d', '/e', '/f'];
    const results = await fingerprintAll(server.url, paths);
    expect(results.map((r) => r.path)).toEqual(paths);
    for (const result of results)
      expect(result).toMatchObject({ status: 200, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(server.stats().requests).toBe(paths.length);
  });

  it('the README shows both files exactly as they are in examples/', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const file of ['threads.ts', 'threads-handlers.ts']) {
      const source = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8').trim();
      expect(readme, `README block for examples/${file}`).toContain(source);
    }
  });
});
