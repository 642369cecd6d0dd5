/**
 * The `http-sentinel` command: `load`, `scrape` and `chaos`. Exit codes: 0 ok, 1 the run failed,
 * 2 bad usage, 130 interrupted. User errors are one line on stderr, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RunError, UsageError } from './args.ts';
import { MAIN_HELP } from './help.ts';
import { holdProcessOpen } from './hold-open.ts';
import { paint, processTerminal, type Terminal } from './terminal.ts';

/** This package's version, from the nearest package.json named http-sentinel (dist/ or src/cli/). */
function version(): string {
  let folder = dirname(typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    try {
      const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'http-sentinel') return manifest.version ?? '0.0.0';
    } catch {
      // not here: look one folder up
    }
    folder = dirname(folder);
  }
  return 'unknown';
}

type Command = (args: readonly string[], term: Terminal) => Promise<number>;

// Loaded on demand: `--help` and `--version` need none of the HTTP stack, and start faster for it.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  load: () => import('./commands/load.ts').then((m) => m.loadCommand),
  scrape: () => import('./commands/scrape.ts').then((m) => m.scrapeCommand),
  chaos: () => import('./commands/chaos.ts').then((m) => m.chaosCommand),
};

/** Runs the CLI for `argv` (without `node` and the script) and resolves with the exit code. */
export async function run(argv: readonly string[], term: Terminal = processTerminal()): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      (first === undefined ? term.err : term.out).write(MAIN_HELP);
      return first === undefined ? 2 : 0;
    }
    if (first === '-v' || first === '--version') {
      term.out.write(`${version()}\n`);
      return 0;
    }
    const load = COMMANDS[first];
    if (load === undefined) {
      const what = first.startsWith('-') ? 'flag' : 'command';
      throw new UsageError(`unknown ${what} "${first}"; commands: load, scrape, chaos (see http-sentinel --help)`);
    }
    const release = holdProcessOpen();
    try {
      return await (await load())(rest, term);
    } finally {
      release();
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof RunError) {
      term.err.write(`${paint(term, 'red', 'http-sentinel:')} ${error.message}\n`);
      return error instanceof UsageError ? 2 : 1;
    }
    // A bug, not a user error: the stack helps whoever reports it.
    term.err.write(
      `http-sentinel: unexpected error\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 1;
  }
}
