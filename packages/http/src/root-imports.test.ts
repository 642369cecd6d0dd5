import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;

/** Every shipped source file of the root entry: all of src/ but ./adapter and the tests. */
function rootSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'adapter' ? [] : rootSources(path);
    return /\.ts$/.test(entry.name) && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('@sentinel/http root entry', () => {
  it('imports nothing but its own files: no package, no Node API (only ./adapter builds on @sentinel/core)', () => {
    const files = rootSources(here);
    expect(files.length).toBeGreaterThan(5);
    const outside = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bfrom\s+'([^']+)'|\bimport\s*\(\s*'([^']+)'/g)]
        .map((m) => m[1] ?? m[2] ?? '')
        .filter((specifier) => !specifier.startsWith('.'))
        .map((specifier) => `${relative(here, file)} → ${specifier}`),
    );
    expect(outside).toEqual([]);
  });
});
