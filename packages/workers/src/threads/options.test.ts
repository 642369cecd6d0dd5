import { readFileSync } from 'node:fs';
import { isConfigError, isTimeoutError, TimeoutError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { createThreadPool } from './create-thread-pool.ts';
import { createGates } from './fixtures/gates.ts';

const handlers = new URL('./fixtures/handlers.ts', import.meta.url);
const data = { gates: createGates(1), label: 'x' };

async function configError(options: unknown): Promise<Error & { option: string; value: unknown }> {
  const error = await createThreadPool(options as never).then(
    async (pool) => {
      await pool.close();
      throw new Error('expected a ConfigError');
    },
    (e: unknown) => e,
  );
  expect(isConfigError(error)).toBe(true);
  return error as Error & { option: string; value: unknown };
}

function osThreads(): number {
  return Number(/Threads:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

describe('createThreadPool options', () => {
  it.each([
    ['threads', 0, /"threads" must be an integer >= 1; received 0/],
    ['threads', 1.5, /"threads" must be an integer >= 1; received 1.5/],
    ['threads', '2', /"threads" must be an integer >= 1; received "2"/],
    ['threads', Number.NaN, /received NaN/],
    ['maxQueue', -1, /"maxQueue" must be an integer >= 0 \(or Infinity\); received -1/],
    ['maxQueue', 0.5, /"maxQueue"/],
    ['atomics', 'fast', /"atomics" must be one of "async", "sync", "disabled"; received "fast"/],
    ['data', { fn: () => 1 }, /"data" must be a structured-cloneable value/],
    ['clock', { now: 1 }, /"clock"/],
  ])('refuses %s = %o before starting any thread', async (option, value, message) => {
    const error = await configError({ module: handlers, data, [option]: value });
    expect(error.message).toMatch(/^createThreadPool: /);
    expect(error.message).toMatch(message);
    expect(error.option).toBe(option);
  });

  it.each([
    ['a relative path', './fixtures/handlers.ts'],
    ['a missing file', '/nonexistent/handlers.js'],
    ['an http URL', new URL('http://127.0.0.1/handlers.js')],
    ['a number', 42],
    ['an object whose toString lies', { toString: () => handlers.href }],
    ['nothing', undefined],
  ])('refuses module = %s, naming the option and the value', async (_, module) => {
    const error = await configError({ module, data });
    expect(error.option).toBe('module');
    expect(error.message).toMatch(/"module" must be an absolute path or a file: URL of an existing module; received/);
  });

  it('refuses unknown options and a non-object', async () => {
    expect((await configError({ module: handlers, workers: 2 })).option).toBe('workers');
    expect((await configError('handlers.js')).option).toBe('options');
  });

  it('refuses a module without setup, naming it and what it exports; no thread is left', {
    timeout: 120_000,
  }, async () => {
    const before = osThreads();
    const module = new URL('./fixtures/no-setup.ts', import.meta.url);
    const error = await configError({ module, threads: 2 });
    expect(error.option).toBe('module');
    expect(error.value).toBe(module.href);
    expect(error.message).toMatch(/a module exporting setup\(index, data\) and its handlers \(it exports: work\)/);
    expect(osThreads()).toBeLessThanOrEqual(before);
  });

  it('rejects with the error a setup threw, cause included, and terminates the threads already built', {
    timeout: 120_000,
  }, async () => {
    const before = osThreads();
    const error = await createThreadPool({
      module: new URL('./fixtures/failing-setup.ts', import.meta.url),
      threads: 2,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isTimeoutError(error)).toBe(true);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(((error as Error).cause as Error).message).toBe('the database did not answer');
    expect(osThreads()).toBeLessThanOrEqual(before);
  });
});
