// Tests of scripts/check-architecture.mjs on small throw-away repositories, so each rule is seen
// failing as well as passing. Run by `pnpm lint` (node --test, no vitest: scripts/ is plain Node).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { cycleReport, findCycles, layerViolations, readPackages, undeclaredImports } from './check-architecture.mjs';

const LAYERS = [['@x/core'], ['@x/http', '@x/policy'], ['@x/fetch', '@x/axios'], ['@x/meta']];
const roots = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Writes `files` (path → content; objects become JSON) into a fresh directory. */
function repo(files) {
  const root = mkdtempSync(join(tmpdir(), 'arch-check-'));
  roots.push(root);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const pkg = (name, fields = {}) => ({ name, manifest: { name, ...fields }, dir: `/nowhere/${name}` });

describe('layers', () => {
  it('accepts dependencies that point to lower layers', () => {
    const packages = [
      pkg('@x/core'),
      pkg('@x/http', { dependencies: { '@x/core': '*' } }),
      pkg('@x/fetch', { dependencies: { '@x/core': '*', '@x/http': '*' } }),
      pkg('@x/axios', { dependencies: { '@x/http': '*' }, peerDependencies: { axios: '^1' } }),
      pkg('@x/meta', { dependencies: { '@x/fetch': '*', '@x/axios': '*' } }),
    ];
    assert.deepEqual(layerViolations(packages, LAYERS), []);
  });

  it('refuses an adapter that depends on another adapter, in any runtime field', () => {
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
      const packages = [pkg('@x/fetch'), pkg('@x/axios', { [field]: { '@x/fetch': '*' } })];
      const problems = layerViolations(packages, LAYERS);
      assert.equal(problems.length, 1, field);
      assert.match(problems[0], /@x\/axios depends on @x\/fetch, a package of its own layer/);
    }
  });

  it('lets tests use a sibling through devDependencies', () => {
    const packages = [pkg('@x/fetch'), pkg('@x/axios', { devDependencies: { '@x/fetch': '*' } })];
    assert.deepEqual(layerViolations(packages, LAYERS), []);
  });

  it('refuses a dependency on a higher layer and a package placed in no layer', () => {
    const packages = [pkg('@x/http', { dependencies: { '@x/fetch': '*' } }), pkg('@x/fetch'), pkg('@x/new')];
    const problems = layerViolations(packages, LAYERS);
    assert.equal(problems.length, 2);
    assert.match(problems[0], /@x\/http depends on @x\/fetch, a package of a higher layer/);
    assert.match(problems[1], /@x\/new is in no layer/);
  });

  it('refuses shipped code importing at run time a workspace package its manifest does not declare', () => {
    const root = repo({
      'packages/fetch/package.json': { name: '@x/fetch', devDependencies: { '@x/policy': '*' } },
      'packages/fetch/src/index.ts': "import type { P } from '@x/policy';\nexport type { Q } from '@x/policy';\n",
      'packages/fetch/src/index.test.ts': "import { policy } from '@x/policy';\n",
      'packages/fetch/src/fixtures/handler.ts': "import { policy } from '@x/policy';\n",
      'packages/policy/package.json': { name: '@x/policy' },
    });
    assert.deepEqual(undeclaredImports(readPackages(root)), []);
    writeFileSync(join(root, 'packages/fetch/src/call.ts'), "import { policy, type P } from '@x/policy/sub';\n");
    const problems = undeclaredImports(readPackages(root));
    assert.equal(problems.length, 1);
    assert.match(problems[0], /fetch\/src\/call\.ts imports @x\/policy, which @x\/fetch does not list/);
  });
});

describe('import cycles', () => {
  it('finds every strongly connected component, with a closed path through it', () => {
    const graph = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a', 'd'])],
      ['d', new Set()],
      ['e', new Set(['e'])],
      ['f', new Set(['d'])],
    ]);
    assert.deepEqual(findCycles(graph), [
      { members: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'] },
      { members: ['e'], path: ['e', 'e'] },
    ]);
  });

  it('sees type-only imports and re-exports, allows a known cycle, and fails when it grows', () => {
    const files = {
      'packages/b/package.json': { name: '@x/b' },
      'packages/b/src/options.ts': "import type { Snapshot } from './snapshot.ts';\nexport const o = 1;\n",
      'packages/b/src/snapshot.ts': "import { o } from './options';\nexport type Snapshot = typeof o;\n",
      'packages/f/package.json': { name: '@x/f' },
      'packages/f/src/call.ts': "export { w } from './with.js';\n",
      'packages/f/src/with.ts': "import { call } from './call.ts';\nexport const w = call;\n",
      'packages/f/src/index.ts': "export { w } from './with.ts';\n",
    };
    const known = [['packages/b/src/options.ts', 'packages/b/src/snapshot.ts']];
    const report = cycleReport(repo(files), known);
    assert.deepEqual(
      report.fresh.map((c) => c.path),
      [['packages/f/src/call.ts', 'packages/f/src/with.ts', 'packages/f/src/call.ts']],
    );
    assert.deepEqual(
      report.known.map((c) => c.members),
      known,
    );
    assert.deepEqual(report.stale, []);

    const grown = cycleReport(
      repo({
        ...files,
        'packages/b/src/extra.ts': "import './options.ts';\n",
        'packages/b/src/snapshot.ts': "import './extra.ts';\n",
      }),
      known,
    );
    assert.deepEqual(grown.known, []);
    assert.deepEqual(grown.fresh.map((c) => c.members).sort(), [
      ['packages/b/src/extra.ts', 'packages/b/src/options.ts', 'packages/b/src/snapshot.ts'],
      ['packages/f/src/call.ts', 'packages/f/src/with.ts'],
    ]);
  });

  it('reports a known cycle that no longer exists, so its entry gets deleted', () => {
    const root = repo({
      'packages/b/package.json': { name: '@x/b' },
      'packages/b/src/options.ts': 'export const o = 1;\n',
      'packages/b/src/snapshot.ts': "import { o } from './options.ts';\n",
    });
    const report = cycleReport(root, [['packages/b/src/options.ts', 'packages/b/src/snapshot.ts']]);
    assert.deepEqual(report.fresh, []);
    assert.deepEqual(report.stale, [['packages/b/src/options.ts', 'packages/b/src/snapshot.ts']]);
  });
});
