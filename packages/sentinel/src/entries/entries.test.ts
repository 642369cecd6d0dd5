import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, PACKAGE_DIR } from '../test-support/built.ts';

const exec = promisify(execFile);
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { import: { default: string }; require: { default: string } }>;
};
const subPaths = Object.keys(manifest.exports).filter((key) => key !== './package.json');

let folder: string;
beforeAll(async () => {
  await ensureBuilt();
  folder = mkdtempSync(join(tmpdir(), 'sentinel-entries-'));
}, 600_000);
afterAll(() => {
  if (folder) rmSync(folder, { recursive: true, force: true });
});

describe('the built package, as Node loads it', () => {
  it('exports the root, one sub-path per package and the report renderer', () => {
    expect(subPaths).toEqual([
      '.',
      './core',
      './core/testing',
      './backoff',
      './breaker',
      './breaker/redis',
      './ratelimit',
      './ratelimit/redis',
      './http',
      './client',
      './workers',
      './workers/bullmq',
      './chaos',
      './fetch',
      './axios',
      './otel',
      './report',
    ]);
  });

  // Loaded by a plain `node` (vitest's workers resolve the source condition, which users never have).
  interface Probe {
    readonly cjs: string[];
    readonly esm: string[];
    readonly source?: string[];
    readonly identical?: boolean;
  }
  let probes: Record<string, Probe>;
  beforeAll(async () => {
    const script = join(folder, 'probe.mjs');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
const dir = ${JSON.stringify(PACKAGE_DIR)};
const require = createRequire(join(dir, 'package.json'));
const manifest = require('./package.json');
const names = (m) => Object.keys(m).filter((k) => k !== '__esModule' && k !== 'default').sort();
const out = {};
for (const [subPath, target] of Object.entries(manifest.exports)) {
  if (typeof target !== 'object') continue;
  const cjs = require(join(dir, target.require.default));
  const esm = await import(pathToFileURL(join(dir, target.import.default)).href);
  const probe = { cjs: names(cjs), esm: names(esm) };
  if (subPath !== '.' && subPath !== './report') {
    // The ESM build of the source package, found through its own exports map.
    const [pkg, ...rest] = subPath.slice(2).split('/');
    const pkgJson = require.resolve('@sentinel/' + pkg + '/package.json');
    const entry = require(pkgJson).exports[rest.length ? './' + rest.join('/') : '.'].import.default;
    const source = await import(pathToFileURL(join(pkgJson, '..', entry)).href);
    probe.source = names(source);
    probe.identical = names(source).every((n) => source[n] === esm[n]);
  }
  out[subPath] = probe;
}
console.log(JSON.stringify(out));
`,
    );
    const { stdout } = await exec(process.execPath, [script], { cwd: PACKAGE_DIR, timeout: 60_000 });
    probes = JSON.parse(stdout) as Record<string, Probe>;
  }, 60_000);

  it.each(subPaths)('%s: the same names from require() and import()', (subPath) => {
    const probe = probes[subPath] as Probe;
    expect(probe.cjs).toEqual(probe.esm);
    expect(probe.esm.length).toBeGreaterThan(0);
  });

  it.each(subPaths.filter((p) => p !== '.' && p !== './report'))('%s re-exports its whole package', (subPath) => {
    const probe = probes[subPath] as Probe;
    expect(probe.esm).toEqual(probe.source);
    // The very same objects (no copies): a guard from one works on errors from the other.
    expect(probe.identical).toBe(true);
  });

  // A resolve hook that fails any import of an optional peer (axios, @opentelemetry/api): it runs
  // in Node's own loader, where nothing is mocked. CommonJS is checked through require.cache.
  async function importWithPeersForbidden(entry: string) {
    const peer = String.raw`[\\/]node_modules[\\/](axios|@opentelemetry[\\/]api|bullmq|ioredis|redis|@redis[\\/]client)[\\/]`;
    const hooks = join(folder, 'forbid-peers-hooks.mjs');
    writeFileSync(
      hooks,
      `export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (/${peer}/.test(resolved.url)) throw new Error('optional peer loaded: ' + resolved.url + ' by ' + context.parentURL);
  return resolved;
}
`,
    );
    const register = join(folder, 'register.mjs');
    writeFileSync(
      register,
      `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
    );
    const script = `import { createRequire } from 'node:module';
await import(${JSON.stringify(pathToFileURL(join(PACKAGE_DIR, entry)).href)});
const require = createRequire(import.meta.url);
const cjs = require(${JSON.stringify(join(PACKAGE_DIR, entry.replace(/\.js$/, '.cjs')))});
const loaded = Object.keys(require.cache).filter((k) => /${peer}/.test(k));
if (loaded.length > 0) throw new Error('optional peer required: ' + loaded[0]);
console.log(Object.keys(cjs).length);`;
    return exec(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', script], {
      cwd: PACKAGE_DIR,
      timeout: 30_000,
    });
  }

  it('importing or requiring the root never loads an optional peer (axios, @opentelemetry/api, bullmq, ioredis, redis)', async () => {
    const { stdout } = await importWithPeersForbidden('dist/index.js');
    expect(Number(stdout.trim())).toBeGreaterThan(50);
  });

  it('...while http-sentinel/axios and http-sentinel/otel do load theirs (the check above can fail)', async () => {
    await expect(importWithPeersForbidden('dist/axios/index.js')).rejects.toThrow(
      /optional peer (loaded|required): .*axios/,
    );
    await expect(importWithPeersForbidden('dist/otel/index.js')).rejects.toThrow(
      /optional peer (loaded|required): .*opentelemetry/,
    );
  });
});
