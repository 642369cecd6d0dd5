import { type ParseArgsConfig, parseArgs } from 'node:util';

/** Bad usage: the CLI prints the one-line message and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The run failed (a refused target, an unreadable input): one line, exit 1. */
export class RunError extends Error {
  override readonly name = 'RunError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/**
 * `node:util` parseArgs in strict mode, with its multi-line errors turned into one line that
 * names the flag, and the command's help pointed at.
 */
export function parseFlags(command: string, args: readonly string[], options: Options): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    const flag = /Option '([^']+)'/.exec(e.message ?? '')?.[1] ?? /option '([^']+)'/i.exec(e.message ?? '')?.[1];
    const help = `(see http-sentinel ${command} --help)`;
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const unknown = /Unknown option '([^']+)'/.exec(e.message ?? '')?.[1] ?? 'flag';
      throw new UsageError(`unknown flag ${unknown} ${help}`);
    }
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag !== undefined) {
      const name = flag.split(',')[0]?.split(' ')[0] ?? flag;
      if (/ambiguous/.test(e.message ?? '')) {
        throw new UsageError(`${name} needs a value; a value starting with "-" is not allowed here ${help}`);
      }
      throw new UsageError(`${name} needs a value ${help}`);
    }
    throw new UsageError(`${(e.message ?? String(error)).split('\n')[0]} ${help}`);
  }
}

/** The value of a string flag (the last one, if given twice). */
export function stringFlag(parsed: Parsed, name: string): string | undefined {
  const value = parsed.values[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === 'string' ? value : undefined;
}

/** A whole number within bounds, or a UsageError naming the flag and the value. */
export function integerFlag(
  flag: string,
  raw: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min.toLocaleString('en-US')}${max < Number.MAX_SAFE_INTEGER ? ` to ${max.toLocaleString('en-US')}` : ''}; got "${raw}"`,
    );
  }
  return value;
}

/** A decimal number within bounds (`min` inclusive unless `exclusiveMin`), or a UsageError. */
export function numberFlag(
  flag: string,
  raw: string | undefined,
  range: { readonly min: number; readonly max?: number; readonly exclusiveMin?: boolean },
): number | undefined {
  if (raw === undefined) return undefined;
  const value = /^\d+(\.\d+)?$|^\.\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  const max = range.max ?? Number.POSITIVE_INFINITY;
  const low = range.exclusiveMin === true ? value > range.min : value >= range.min;
  if (!Number.isFinite(value) || !low || value > max) {
    const bound = range.exclusiveMin === true ? `greater than ${range.min}` : `at least ${range.min}`;
    throw new UsageError(
      `${flag} must be a number ${bound}${Number.isFinite(max) ? ` and at most ${max}` : ''}; got "${raw}"`,
    );
  }
  return value;
}

const UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `10s`, `500ms`, `2m`, `1h`, or a bare number of seconds (as autocannon's `-d`): milliseconds > 0. */
export function durationFlag(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  const ms = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] ?? 's'] as number);
  if (!Number.isFinite(ms) || ms <= 0 || ms > 2_147_483_647) {
    throw new UsageError(
      `${flag} must be a duration such as 10s, 500ms or 2m (a bare number is seconds); got "${raw}"`,
    );
  }
  return ms;
}

/** An http(s) URL, or a UsageError naming what is wrong with it. */
export function httpUrl(what: string, raw: string | undefined): URL {
  if (raw === undefined || raw === '') throw new UsageError(`missing ${what}`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`${what} is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${what} must be http:// or https://; got "${raw}"`);
  }
  return url;
}
