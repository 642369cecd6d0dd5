import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The demo app's folder. */
export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A running `pnpm demo`, from the TypeScript sources: its output so far and how it ends. */
export interface DemoProcess {
  readonly child: ChildProcess;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Resolves with the exit code (a signal's death is a failure: `null`). */
  readonly exit: Promise<number | null>;
  /** Resolves once stderr matches `pattern` (rejects if the process ends first). */
  waitForStderr(pattern: RegExp): Promise<RegExpMatchArray>;
}

/** Starts the demo as a user would (`node src/index.ts` through tsx), with `args`. */
export function spawnDemo(args: readonly string[]): DemoProcess {
  const child = spawn(process.execPath, ['--conditions=@sentinel/source', '--import', 'tsx', 'src/index.ts', ...args], {
    cwd: DEMO_DIR,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    for (const listener of listeners) listener();
  });
  const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitForStderr(pattern) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(err);
          if (match === null) return;
          listeners.delete(check);
          resolve(match);
        };
        listeners.add(check);
        check();
        void exit.then(() => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          reject(new Error(`the demo ended before its stderr matched ${pattern}:\n${err}`));
        });
      });
    },
  };
}
