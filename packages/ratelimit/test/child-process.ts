// Child processes for multi-process tests: a TypeScript fixture run under tsx with the workspace
// source condition, driven through stdin lines, reporting a JSON line on stdout at the end.
import { spawn } from 'node:child_process';
import { systemClock } from '@sentinel/core';

/** A running fixture: `ready` once it printed "ready"; lines go to its stdin; `finish` ends it. */
export interface Child {
  readonly ready: Promise<void>;
  /** Writes one line to its stdin. */
  send(line: string): void;
  /** Writes a last line (if any), closes stdin, and resolves with its last stdout line as JSON. */
  finish<T>(line?: string): Promise<T>;
  /** SIGKILL, now. */
  kill(): void;
  /** Sends `signal` and resolves with how the child ended: its exit code, or the signal's name. */
  stop(signal: NodeJS.Signals): Promise<number | string>;
}

/**
 * Spawns `file` (a fixture path) with `env` added. Bounded: a child still running after
 * `timeoutMs` is killed. A child that exits non-zero rejects `ready`/`finish` with its stderr.
 */
export function spawnChild(file: string, env: Record<string, string>, timeoutMs = 60_000): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions=@sentinel/source', file], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  proc.stderr.on('data', (chunk: Buffer) => (err += chunk));
  const guard = new AbortController();
  systemClock.sleep(timeoutMs, guard.signal).then(
    () => proc.kill('SIGKILL'),
    () => {},
  );
  const ended = new Promise<number | string>((resolve) =>
    proc.on('close', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const closed = new Promise<string>((resolve, reject) => {
    proc.on('close', (code, signal) => {
      guard.abort();
      if (code === 0) resolve(out);
      else reject(new Error(`child exited with ${code ?? signal}: ${err}`));
    });
  });
  // Reported through `ready` / `finish`; a killed child is expected by whoever killed it.
  closed.catch(() => {});
  const ready = new Promise<void>((resolve, reject) => {
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk;
      if (out.startsWith('ready\n')) resolve();
    });
    closed.catch(reject);
  });
  return {
    ready,
    send: (line) => proc.stdin.write(`${line}\n`),
    async finish<T>(line?: string): Promise<T> {
      proc.stdin.end(line === undefined ? undefined : `${line}\n`);
      const lines = (await closed).trim().split('\n');
      return JSON.parse(lines[lines.length - 1] as string) as T;
    },
    kill: () => proc.kill('SIGKILL'),
    stop(signal) {
      proc.kill(signal);
      return ended;
    },
  };
}
