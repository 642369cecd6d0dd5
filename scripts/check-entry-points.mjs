#!/usr/bin/env node
// Loads every export of every publishable package from its built files through BOTH module
// systems — require() of the "require" target and import() of the "import" target — and checks
// that each loads and offers the same names. attw checks the types; this checks what runs.
import { readdirSync, readFileSync } from 'node:fs';
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
console.log(`\nentry points: ${checked} ok, ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
