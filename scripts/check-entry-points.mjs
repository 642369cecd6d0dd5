#!/usr/bin/env node
// Loads every export of every publishable package from its built files through BOTH module
// systems — require() of the "require" target and import() of the "import" target — and checks
// that each loads and offers the same names. attw checks the types; this checks what runs.
// For the meta package http-sentinel it also checks that each sub-path re-exports its whole
// package, that requiring the root loads no optional peer (axios, @opentelemetry/api, bullmq,
// ioredis, redis), and that the bin runs.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('../packages/', import.meta.url);
let failures = 0;
let checked = 0;
for (const name of readdirSync(root).sort()) {
  const dir = join(root.pathname, name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (manifest.private) continue;
  const require = createRequire(join(dir, 'package.json'));
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target !== 'object') continue;
    const label = `${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}`;
    try {
      const cjs = require(join(dir, target.require.default));
      const esm = await import(pathToFileURL(join(dir, target.import.default)).href);
      const cjsNames = Object.keys(cjs)
        .filter((k) => k !== '__esModule')
        .sort();
      const esmNames = Object.keys(esm)
        .filter((k) => k !== 'default')
        .sort();
      if (JSON.stringify(cjsNames) !== JSON.stringify(esmNames)) {
        throw new Error(`CJS exports [${cjsNames}] differ from ESM exports [${esmNames}]`);
      }
      if (esmNames.length === 0) throw new Error('exports nothing');
      checked++;
      console.log(`ok   ${label}: ${esmNames.length} exports, same from require() and import()`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

// http-sentinel: `./core` must offer exactly what @sentinel/core offers (the same objects).
const metaDir = join(root.pathname, 'sentinel');
const meta = JSON.parse(readFileSync(join(metaDir, 'package.json'), 'utf8'));
const metaRequire = createRequire(join(metaDir, 'package.json'));
for (const [subpath, target] of Object.entries(meta.exports)) {
  if (typeof target !== 'object' || subpath === '.' || subpath === './report') continue;
  const source = `@sentinel/${subpath.slice(2)}`;
  try {
    const ours = metaRequire(join(metaDir, target.require.default));
    const theirs = metaRequire(source);
    const missing = Object.keys(theirs).filter((k) => k !== '__esModule' && ours[k] !== theirs[k]);
    if (missing.length > 0) throw new Error(`does not re-export ${missing.join(', ')} of ${source}`);
    checked++;
    console.log(`ok   http-sentinel${subpath.slice(1)}: the whole of ${source}`);
  } catch (error) {
    failures++;
    console.log(`FAIL http-sentinel${subpath.slice(1)}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
try {
  const probe = `require(${JSON.stringify(join(metaDir, meta.exports['.'].require.default))});
const peers = Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/](axios|@opentelemetry[\\/]api|bullmq|ioredis|redis|@redis[\\/]client)[\\/]/.test(k));
if (peers.length > 0) { console.error(peers[0]); process.exit(1); }`;
  execFileSync(process.execPath, ['-e', probe], { stdio: 'pipe' });
  const bin = join(metaDir, meta.bin['http-sentinel']);
  accessSync(bin, constants.X_OK);
  const version = execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
  if (version !== meta.version) throw new Error(`the bin says ${version}, package.json ${meta.version}`);
  checked++;
  console.log(
    'ok   http-sentinel: the root loads no optional peer (axios, @opentelemetry/api, bullmq, ioredis, redis); the bin runs (--version)',
  );
} catch (error) {
  failures++;
  console.log(`FAIL http-sentinel root/bin: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
}

console.log(`\nentry points: ${checked} ok, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
