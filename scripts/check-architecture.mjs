#!/usr/bin/env node
// Two structural rules `pnpm lint` enforces (DESIGN.md, "Layout"):
//
// 1. Layers. Dependencies point one way: core ← policies and http ← the HTTP adapters ← workers ←
//    the meta package. A package may depend only on packages of LOWER layers, never on a sibling
//    of its own layer: @sentinel/axios must not install @sentinel/fetch, a policy package never
//    imports another policy package. What adapters share lives in @sentinel/http/adapter.
//    `dependencies`, `peerDependencies` and `optionalDependencies` count (they reach users);
//    `devDependencies` do not (tests may use siblings). Source files that ship (not tests or
//    fixtures) may import at run time (not `import type`) only workspace packages their
//    package.json declares in those fields.
// 2. No import cycles between the source files of a package (relative imports, `import type` and
//    `export … from` included: a type-only cycle is still two files that cannot be read apart).
//
// Usage: node scripts/check-architecture.mjs [repo-root]. Exit 1 on any violation.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * The layers, lowest first. Every workspace package must be listed: placing a new package is a
 * decision, not an accident.
 */
export const LAYERS = [
  ['@sentinel/core'],
  // Policies and runtime-neutral HTTP semantics (+ the adapter kit under @sentinel/http/adapter),
  // and the two tools that only need the contract.
  [
    '@sentinel/backoff',
    '@sentinel/breaker',
    '@sentinel/ratelimit',
    '@sentinel/http',
    '@sentinel/chaos',
    '@sentinel/otel',
  ],
  // HTTP clients and adapters: each stands alone on core + http.
  ['@sentinel/client', '@sentinel/fetch', '@sentinel/axios'],
  ['@sentinel/workers'],
  ['http-sentinel'],
];

// ─── KNOWN IMPORT CYCLES ────────────────────────────────────────────────────────────────────────
// Cycles that exist today and are being fixed on another branch. Each entry is the exact set of
// files in the cycle (repo-relative). The check passes while such a cycle is unchanged, and fails
// if it grows or a new one appears. DELETE an entry once its fix is merged (the check says so).
export const KNOWN_CYCLES = [];
// ────────────────────────────────────────────────────────────────────────────────────────────────

const RUNTIME_FIELDS = ['dependencies', 'peerDependencies', 'optionalDependencies'];
const SOURCE_EXT = /\.(?:[cm]?ts|tsx)$/;
const TEST_FILE = /\.test(?:-d)?\.(?:[cm]?ts|tsx)$/;
const TEST_DIRS = new Set(['fixtures', 'test-support', '__fixtures__']);

/** Every workspace package under `packages/*`: `{ name, dir, manifest }`. */
export function readPackages(root) {
  const base = join(root, 'packages');
  return readdirSync(base)
    .filter((entry) => existsSync(join(base, entry, 'package.json')))
    .sort()
    .map((entry) => {
      const dir = join(base, entry);
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return { name: manifest.name, dir, manifest };
    });
}

/** The workspace packages a manifest depends on at run time (what its users install). */
export function runtimeDependencies(manifest, workspaceNames) {
  const names = new Set();
  for (const field of RUNTIME_FIELDS) {
    for (const name of Object.keys(manifest[field] ?? {})) if (workspaceNames.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** Rule 1 over package manifests: a list of messages, empty when every edge points down. */
export function layerViolations(packages, layers = LAYERS) {
  const layerOf = new Map();
  layers.forEach((names, index) => {
    for (const name of names) layerOf.set(name, index);
  });
  const workspaceNames = new Set(packages.map((p) => p.name));
  const problems = [];
  for (const { name, manifest } of packages) {
    const own = layerOf.get(name);
    if (own === undefined) {
      problems.push(`${name} is in no layer: add it to LAYERS in scripts/check-architecture.mjs`);
      continue;
    }
    for (const dep of runtimeDependencies(manifest, workspaceNames)) {
      const theirs = layerOf.get(dep);
      if (theirs === undefined) continue; // reported on its own
      if (theirs === own) {
        problems.push(
          `${name} depends on ${dep}, a package of its own layer (${layers[own].join(', ')}): ` +
            'move what they share one layer down (adapters: @sentinel/http/adapter)',
        );
      } else if (theirs > own) {
        problems.push(`${name} depends on ${dep}, a package of a higher layer: dependencies point down only`);
      }
    }
  }
  return problems;
}

/** Every source file under `dir`, recursively (no node_modules, no dist). */
export function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (SOURCE_EXT.test(entry.name) && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files.sort();
}

/** Module specifiers of one file: static and dynamic imports, `import type`, `export … from`. */
export function importsOf(text) {
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/**
 * Module specifiers a file needs at run time: `import` and `export … from` declarations that are
 * not type-only (those are erased from the built JavaScript).
 */
export function valueImportsOf(text) {
  const file = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const specifiers = [];
  for (const statement of file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier !== undefined) {
      const clause = statement.exportClause;
      const typeOnly =
        statement.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly) specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/**
 * Rule 1 over sources: shipped files (not tests, test fixtures or test support) needing at run
 * time a workspace package their manifest does not declare. It would resolve in the workspace
 * and fail for users.
 */
export function undeclaredImports(packages) {
  const workspaceNames = new Set(packages.map((p) => p.name));
  const problems = [];
  for (const { name, dir, manifest } of packages) {
    const declared = new Set([name, ...runtimeDependencies(manifest, workspaceNames)]);
    const src = join(dir, 'src');
    if (!existsSync(src)) continue;
    for (const file of sourceFiles(src)) {
      if (TEST_FILE.test(file) || file.split(sep).some((part) => TEST_DIRS.has(part))) continue;
      for (const specifier of valueImportsOf(readFileSync(file, 'utf8'))) {
        const target = packageNameOf(specifier);
        if (target !== undefined && workspaceNames.has(target) && !declared.has(target)) {
          problems.push(
            `${relative(dirname(dir), file)} imports ${target}, which ${name} does not list in ${RUNTIME_FIELDS.join(' / ')}`,
          );
        }
      }
    }
  }
  return problems;
}

function packageNameOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Resolves a relative specifier the way the repo writes them (`./x.ts`, `./x.js`, `./x`, `./dir`). */
function resolveRelative(fromFile, specifier) {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.([cm]?)js$/, '.$1ts'), `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

/** The relative-import graph of a set of files: Map(file → Set(file)). */
export function importGraph(files) {
  const graph = new Map(files.map((f) => [f, new Set()]));
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      if (target !== undefined && graph.has(target)) graph.get(file).add(target);
    }
  }
  return graph;
}

/**
 * The import cycles of a graph, one per strongly connected component (Tarjan): each is the sorted
 * member list plus one concrete closed path through it, for the message.
 */
export function findCycles(graph) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || graph.get(node)?.has(node)) components.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return components.map((members) => ({ members, path: pathThrough(graph, members) }));
}

/** A shortest closed path from the component's first member back to itself (BFS inside the component). */
function pathThrough(graph, members) {
  const inside = new Set(members);
  const start = members[0];
  const previous = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const node = queue.shift();
    for (const next of graph.get(node) ?? []) {
      if (!inside.has(next)) continue;
      if (next === start) {
        const path = [start];
        for (let at = node; at !== start; at = previous.get(at)) path.splice(1, 0, at);
        return [...path, start];
      }
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return members;
}

/** Rule 2: cycles under every `packages/*\/src`, split into new ones and known ones. */
export function cycleReport(root, known = KNOWN_CYCLES) {
  const knownKeys = new Map(known.map((members) => [[...members].sort().join('\n'), members]));
  const found = [];
  for (const { dir } of readPackages(root)) {
    const src = join(dir, 'src');
    if (existsSync(src)) found.push(...findCycles(importGraph(sourceFiles(src))));
  }
  const rel = (file) => relative(root, file).split(sep).join('/');
  const cycles = found.map(({ members, path }) => ({ members: members.map(rel), path: path.map(rel) }));
  const isKnown = (c) => knownKeys.has(c.members.join('\n'));
  const seen = new Set(cycles.filter(isKnown).map((c) => c.members.join('\n')));
  return {
    fresh: cycles.filter((c) => !isKnown(c)),
    known: cycles.filter(isKnown),
    stale: [...knownKeys].filter(([key]) => !seen.has(key)).map(([, members]) => members),
  };
}

function main() {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const packages = readPackages(root);
  const problems = [...layerViolations(packages), ...undeclaredImports(packages)];
  const cycles = cycleReport(root);
  for (const cycle of cycles.fresh) problems.push(`import cycle: ${cycle.path.join(' → ')}`);
  for (const cycle of cycles.known) {
    console.error(`known import cycle (KNOWN_CYCLES, being fixed elsewhere): ${cycle.path.join(' → ')}`);
  }
  for (const members of cycles.stale) {
    console.error(`KNOWN_CYCLES lists a cycle that no longer exists; delete its entry: ${members.join(', ')}`);
  }
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.log(
    `architecture: ${packages.length} packages in ${LAYERS.length} layers, ${problems.length} problem(s), ` +
      `${cycles.known.length} known cycle(s) allowed`,
  );
  process.exitCode = problems.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
