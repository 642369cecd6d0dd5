import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** packages/sentinel */
export const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const REPO_DIR = join(PACKAGE_DIR, '..', '..');
/** The built bin, exactly what `bin.http-sentinel` points at. */
export const BIN = join(PACKAGE_DIR, 'dist', 'cli.js');

const run = promisify(execFile);
let building: Promise<void> | undefined;

function holderAlive(lock: string): boolean {
  try {
    process.kill(Number(readFileSync(join(lock, 'pid'), 'utf8')), 0);
    return true;
  } catch (error) {
    // EPERM: alive but not ours; no pid file yet: its holder is still writing it.
    return (error as { code?: string }).code !== 'ESRCH';
  }
}

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  // Test files run in several processes: one build at a time, the others wait (bounded).
  const lock = join(tmpdir(), `http-sentinel-build-${Buffer.from(REPO_DIR).toString('hex').slice(-32)}.lock`);
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (!holderAlive(lock)) rmSync(lock, { recursive: true, force: true });
      if (attempt > 2_400) throw new Error(`waited 10 minutes for the build lock ${lock}`);
      await new Promise((resolve) => AbortSignal.timeout(250).addEventListener('abort', resolve));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds http-sentinel and every package it depends on (turbo: cached, so a second call, or a
 * run after `pnpm build`, costs about a second), so tests can run the CLI as a user would.
 * `pnpm test` from a fresh clone does not build first; this makes it work anyway.
 */
export function ensureBuilt(): Promise<void> {
  building ??= withLock(async () => {
    await run(
      join(REPO_DIR, 'node_modules', '.bin', 'turbo'),
      ['run', 'build', '--filter=http-sentinel...', '--output-logs=errors-only'],
      {
        cwd: REPO_DIR,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', FORCE_COLOR: '0' },
        timeout: 540_000,
        maxBuffer: 16 * 1024 * 1024,
      },
    );
  });
  return building;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly stdin?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Hard bound: the process is killed past it. @default 60_000 */
  readonly timeoutMs?: number;
}

/** Spawns the built bin (through its shebang, as a shell would) and collects what it printed. */
export function spawnCli(args: readonly string[], options: CliOptions = {}) {
  const child = spawn(BIN, [...args], {
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: options.timeoutMs ?? 60_000,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  if (options.stdin !== undefined) child.stdin.end(options.stdin);
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    stdout: () => stdout,
    stderr: () => stderr,
  };
}

/** Runs the built bin to the end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  return spawnCli(args, options).done;
}
