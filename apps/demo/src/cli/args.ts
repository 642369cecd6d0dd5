import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { PHASE_NAMES, type PhaseName } from '../phases/phase.ts';
import { DEFAULT_SIZES, type DemoOptions } from '../run-demo.ts';

/** A usage mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** What the command line asks for. */
export interface DemoArgs {
  readonly help: boolean;
  /** The run, without what only the CLI supplies (signal, updates). */
  readonly options: Omit<DemoOptions, 'signal' | 'onUpdate' | 'foreignSockets' | 'clock'>;
  readonly json: boolean;
  /** Absolute path of the HTML report to write, when asked. */
  readonly report: string | undefined;
  readonly dashboard: boolean;
}

const FLAGS = {
  workers: { type: 'string' },
  requests: { type: 'string' },
  'failure-rate': { type: 'string' },
  seed: { type: 'string' },
  phase: { type: 'string', multiple: true },
  full: { type: 'boolean' },
  json: { type: 'boolean' },
  report: { type: 'string' },
  dashboard: { type: 'boolean' },
  target: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The seed's load test: 100 workers × 1,000 requests. */
export const FULL_REQUESTS_PER_WORKER = 1_000;

function integer(flag: string, text: string, min: number, max: number): number {
  if (!/^[+-]?\d+$/.test(text.trim())) throw new UsageError(`--${flag} must be a whole number; got '${text}'`);
  const n = Number(text);
  if (n < min || n > max) {
    throw new UsageError(
      `--${flag} must be between ${min.toLocaleString('en-US')} and ${max.toLocaleString('en-US')}; got ${text}`,
    );
  }
  return n;
}

/** `0.1`, `.1` or `10%`: a share of requests in [0, 0.9]. */
function failureRate(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(text);
  const value = match === null ? Number.NaN : Number(match[1]) / (match[2] === '%' ? 100 : 1);
  if (!(value >= 0 && value <= 0.9)) {
    throw new UsageError(`--failure-rate must be a share between 0 and 0.9 (or 0% to 90%); got '${text}'`);
  }
  return value;
}

function phases(values: readonly string[] | undefined): PhaseName[] {
  if (values === undefined) return [...PHASE_NAMES];
  const names = values.flatMap((value) => value.split(',')).map((name) => name.trim());
  for (const name of names) {
    if (!(PHASE_NAMES as readonly string[]).includes(name)) {
      throw new UsageError(`--phase must be one of ${PHASE_NAMES.join(', ')}; got '${name}'`);
    }
  }
  return PHASE_NAMES.filter((name) => names.includes(name));
}

/** An http(s) URL the user names; nothing else (the demo never picks an external host itself). */
function target(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--target must be an http(s) URL such as http://127.0.0.1:8080; got '${text}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--target must be an http(s) URL; got the ${url.protocol.slice(0, -1)} URL '${text}'`);
  }
  return url;
}

function reportPath(text: string, cwd: string): string {
  if (text.trim() === '') throw new UsageError('--report needs a file name, such as --report demo-report.html');
  const path = resolve(cwd, text);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) {
    throw new UsageError(`--report ${text}: the folder ${folder} does not exist`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--report ${text} is a folder`);
  return path;
}

/** Reads the command line; throws {@link UsageError} with one line for anything it cannot use. */
export function parseDemoArgs(argv: readonly string[], cwd: string = process.cwd()): DemoArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof FLAGS; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const flag = /'([^']+)'/.exec((error as Error).message)?.[1] ?? '';
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown flag '${flag}'`);
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const takesNone = /does not take an argument/.test((error as Error).message);
      throw new UsageError(`${flag.split(' ')[0]} ${takesNone ? 'takes no value' : 'needs a value'}`);
    }
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'bad arguments');
  }
  const { values, positionals } = parsed;
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}' (flags start with --)`);
  if (values.full && values.requests !== undefined) {
    throw new UsageError('--full and --requests both set the load test size: give one of them');
  }
  const workers = values.workers === undefined ? undefined : integer('workers', values.workers, 1, 1_000);
  const requestsPerWorker =
    values.requests === undefined
      ? values.full
        ? FULL_REQUESTS_PER_WORKER
        : DEFAULT_SIZES.load.requestsPerWorker
      : integer('requests', values.requests, 1, 100_000);
  return {
    help: values.help === true,
    json: values.json === true,
    dashboard: values.dashboard === true,
    report: values.report === undefined ? undefined : reportPath(values.report, cwd),
    options: {
      phases: phases(values.phase),
      seed: values.seed === undefined ? 7 : integer('seed', values.seed, 0, 2 ** 31 - 1),
      failureRate: values['failure-rate'] === undefined ? 0.1 : failureRate(values['failure-rate']),
      target: values.target === undefined ? undefined : target(values.target),
      scraper: { ...DEFAULT_SIZES.scraper, ...(workers === undefined ? {} : { workers }) },
      gateway: { ...DEFAULT_SIZES.gateway, ...(workers === undefined ? {} : { workers }) },
      load: { requestsPerWorker, workers: workers ?? DEFAULT_SIZES.load.workers },
    },
  };
}
