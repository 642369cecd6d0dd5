// The built package (what users install) runs a thread pool from dist, as ESM and as CJS: the
// thread entry is found next to the bundle, and errors still cross with their guards.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../../', import.meta.url));
const dist = new URL('../../dist/', import.meta.url);
const module = new URL('./fixtures/plain-handlers.mjs', import.meta.url).href;
const built = ['index.js', 'index.cjs', 'thread-entry.js', 'thread-entry.cjs'].every((f) =>
  existsSync(new URL(f, dist)),
);

const script = (load: string) => `
${load}
const pool = await createThreadPool({ module: ${JSON.stringify(module)}, threads: 2, data: { salt: 's' } });
const value = await pool.run('hash', 'payload');
const error = await pool.run('fail').catch((e) => e);
const stats = pool.stats();
await pool.close();
console.log(JSON.stringify({
  value,
  timeout: isTimeoutError(error),
  instance: error instanceof TimeoutError,
  cause: error.cause?.message,
  completed: stats.completed,
  failed: stats.failed,
}));
`;

const ESM = script(`
import { createThreadPool } from ${JSON.stringify(new URL('index.js', dist).href)};
import { isTimeoutError, TimeoutError } from '@sentinel/core';
`);
// CJS has no top-level await: the same body inside an async function.
const CJS = `
const { createThreadPool } = require(${JSON.stringify(fileURLToPath(new URL('index.cjs', dist)))});
const { isTimeoutError, TimeoutError } = require('@sentinel/core');
(async () => {${script('')}})().catch((error) => { console.error(error); process.exit(1); });
`;

async function runNode(args: string[]): Promise<unknown> {
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: packageDir, timeout: 60_000 });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

const expected = {
  value: {
    digest: expect.stringMatching(/^[0-9a-f]{64}$/),
    workerIndex: expect.any(Number),
    setupIndex: expect.any(Number),
  },
  timeout: true,
  instance: true,
  cause: 'inner',
  completed: 1,
  failed: 1,
};

if (built || process.env.CI === 'true') {
  describe('the built package (dist)', { timeout: 90_000 }, () => {
    it('runs a thread pool as ESM', async () => {
      expect(await runNode(['--input-type=module', '-e', ESM])).toEqual(expected);
    });
    it('runs a thread pool as CJS', async () => {
      expect(await runNode(['-e', CJS])).toEqual(expected);
    });
  });
} else {
  describe('the built package (dist)', () => {
    it.skip('needs `pnpm build` first (dist/ is missing); CI builds before testing', () => {});
  });
  console.warn('@sentinel/workers dist tests skipped: run `pnpm build` first (CI always does).');
}
