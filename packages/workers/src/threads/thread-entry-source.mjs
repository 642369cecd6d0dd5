// Running from the TypeScript sources (vitest, tsx): piscina's threads run plain Node, so this
// plain-JS entry loads the TypeScript thread entry (and, through it, a TypeScript user module)
// with tsx. The built package never uses it: there the pool points at dist/thread-entry.*.
import { tsImport } from 'tsx/esm/api';

const entry = await tsImport('./thread-entry.ts', import.meta.url);

export const runTask = entry.runTask;
