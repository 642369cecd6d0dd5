import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The package's own modules form no import cycle, type-only imports included: a cycle makes
 * load order matter (a value read before its module ran is undefined) and means two files share
 * one idea. Regression: options.ts and snapshot.ts imported each other.
 */
const root = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !/\.test(-d)?\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** Each module's relative imports and re-exports (`import type` too), as paths. */
function graph(): Map<string, string[]> {
  const edges = new Map<string, string[]>();
  for (const file of sources(root)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((m) =>
      resolve(dirname(file), m[1] as string),
    );
    edges.set(file, targets);
  }
  return edges;
}

function cycles(edges: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      if (state.get(next) === 'visiting') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return found.map((cycle) => cycle.map((file) => relative(root, file)));
}

describe('module graph', () => {
  it('reads the imports it checks (the scan is not empty)', () => {
    const edges = graph();
    expect(edges.get(join(root, 'circuit-breaker.ts'))).toContain(join(root, 'circuit.ts'));
    expect(edges.get(join(root, 'options.ts'))).toContain(join(root, 'snapshot.ts'));
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph())).toEqual([]);
  });

  it('finds a cycle when there is one (the checker itself works)', () => {
    const edges = new Map([
      ['/a.ts', ['/b.ts']],
      ['/b.ts', ['/a.ts']],
    ]);
    expect(cycles(edges)).toHaveLength(1);
  });
});
