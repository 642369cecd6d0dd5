import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { isConfigError } from '@sentinel/core';
import { createResilientPool } from '../../resilient-pool/create-resilient-pool.ts';
import { integerFlag, parseFlags, stringFlag, UsageError } from '../args.ts';
import { SCRAPE_HELP } from '../help.ts';
import type { Terminal } from '../terminal.ts';
import { ProgressLine } from '../terminal.ts';
import { abortOnInterrupt } from './interrupt.ts';
import { headersFlag, presetFlag, workerClientOptions } from './shared-flags.ts';

/** One NDJSON line: what happened to one URL. */
export interface ScrapeLine {
  readonly url: string;
  /** The final status (a 404 is a status, not an error); `null` when no response came. */
  readonly status: number | null;
  /** Body bytes after decoding; `null` without a response. */
  readonly bytes: number | null;
  /** Time spent on the URL, retries included, in ms. */
  readonly ms: number;
  /** Attempts sent; `null` when unknown (the request was refused before any). */
  readonly attempts: number | null;
  /** The error code when no response came (`SENTINEL_NETWORK:ECONNREFUSED`, `INVALID_URL`), else `null`. */
  readonly error: string | null;
}

/**
 * The lines of `input`, lazily: the stream is read only as fast as lines are taken, so a
 * 10-million-line file never sits in memory. Blank lines and `#` comments are skipped.
 */
export async function* readUrls(input: Readable, stop: AbortSignal): AsyncGenerator<string> {
  let rest = '';
  input.setEncoding('utf8');
  for await (const chunk of input as AsyncIterable<string>) {
    rest += chunk;
    let newline = rest.indexOf('\n');
    while (newline !== -1) {
      const line = rest.slice(0, newline).trim();
      rest = rest.slice(newline + 1);
      if (stop.aborted) return;
      if (line !== '' && !line.startsWith('#')) yield line;
      newline = rest.indexOf('\n');
    }
  }
  const last = rest.trim();
  if (!stop.aborted && last !== '' && !last.startsWith('#')) yield last;
}

function errorCode(error: unknown): string {
  const e = error as { code?: unknown; status?: unknown; errorCode?: unknown; phase?: unknown; name?: unknown } | null;
  let code = typeof e?.code === 'string' ? e.code : typeof e?.name === 'string' ? e.name : 'ERROR';
  if (typeof e?.status === 'number') code += `:${e.status}`;
  else if (typeof e?.errorCode === 'string') code += `:${e.errorCode}`;
  else if (typeof e?.phase === 'string') code += `:${e.phase}`;
  return code;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

async function openInput(path: string | undefined): Promise<Readable> {
  if (path === undefined || path === '-') {
    if (process.stdin.isTTY === true) {
      throw new UsageError('no input: name a FILE of URLs, or pipe them into stdin (see http-sentinel scrape --help)');
    }
    return process.stdin;
  }
  try {
    // Opened here, so a missing or unreadable file fails before any work starts.
    const handle = await open(path, 'r');
    return handle.createReadStream();
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new UsageError(`cannot read input file "${path}" (${code})`);
  }
}

async function openOutput(path: string | undefined, term: Terminal): Promise<Writable> {
  if (path === undefined || path === '-') return term.out;
  try {
    const handle = await open(path, 'w');
    return handle.createWriteStream();
  } catch (error) {
    throw new UsageError(`cannot write output file "${path}" (${(error as { code?: string }).code ?? 'unwritable'})`);
  }
}

/** `http-sentinel scrape [FILE|-]`: one NDJSON line per URL, through a resilient pool. */
export async function scrapeCommand(args: readonly string[], term: Terminal): Promise<number> {
  const parsed = parseFlags('scrape', args, {
    workers: { type: 'string', short: 'w' },
    ordered: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    preset: { type: 'string' },
    header: { type: 'string', short: 'H', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help === true) {
    term.out.write(SCRAPE_HELP);
    return 0;
  }
  if (parsed.positionals.length > 1)
    throw new UsageError(`scrape reads one input; got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  const workers = integerFlag('--workers', stringFlag(parsed, 'workers'), 1, 10_000) ?? 8;
  const preset = presetFlag(parsed);
  const headers = headersFlag(parsed);
  const input = await openInput(parsed.positionals[0]);
  const output = await openOutput(stringFlag(parsed, 'output'), term);

  let pool: Awaited<ReturnType<typeof createResilientPool>>;
  try {
    pool = await createResilientPool({ ...workerClientOptions(preset, headers), workers, throwOnHttpError: false });
  } catch (error) {
    if (isConfigError(error)) throw new UsageError(error.message);
    throw error;
  }

  const stop = new AbortController();
  const removeHandlers = abortOnInterrupt(stop);
  let outputBroken = false;
  output.on('error', () => {
    // The reader went away (`| head`): stop pulling input and end quietly.
    outputBroken = true;
    stop.abort();
  });
  const progress = new ProgressLine(term);
  const started = term.clock.now();
  let done = 0;
  let failed = 0;
  let httpErrors = 0;
  try {
    const results = pool.map(
      readUrls(input, stop.signal),
      async (url, { client }, ctx): Promise<Omit<ScrapeLine, 'ms'>> => {
        if (!isHttpUrl(url)) return { url, status: null, bytes: null, attempts: null, error: 'INVALID_URL' };
        const response = await client.get(url, { signal: ctx.signal });
        const body = await response.bytes();
        return { url, status: response.status, bytes: body.byteLength, attempts: response.attempts, error: null };
      },
      { ordered: parsed.values.ordered === true },
    );
    for await (const result of results) {
      const line: ScrapeLine = result.ok
        ? { ...result.value, ms: Math.round(result.ms * 10) / 10 }
        : {
            url: result.item,
            status: null,
            bytes: null,
            ms: Math.round(result.ms * 10) / 10,
            attempts:
              typeof (result.error as { attempts?: unknown })?.attempts === 'number'
                ? (result.error as { attempts: number }).attempts
                : null,
            error: errorCode(result.error),
          };
      done++;
      if (line.error !== null) failed++;
      else if ((line.status ?? 0) >= 400) httpErrors++;
      if (outputBroken) continue;
      // One write per whole line, so an interrupted run never leaves half a line behind.
      if (!output.write(`${JSON.stringify(line)}\n`))
        await Promise.race([once(output, 'drain'), once(output, 'error')]);
      const seconds = (term.clock.now() - started) / 1000;
      progress.update(
        `scrape: ${done.toLocaleString('en-US')} URLs · ${(done / Math.max(seconds, 0.001)).toFixed(0)}/s · ${httpErrors} HTTP errors · ${failed} failed${stop.signal.aborted ? ' · stopping' : ''}`,
      );
    }
  } finally {
    removeHandlers();
    await pool.close();
    input.destroy();
    if (output !== term.out) await new Promise<void>((resolve) => output.end(resolve));
  }
  const seconds = (term.clock.now() - started) / 1000;
  progress.done(
    `scrape: ${done.toLocaleString('en-US')} URLs in ${seconds.toFixed(1)} s: ${(done - failed - httpErrors).toLocaleString('en-US')} ok, ${httpErrors} HTTP errors, ${failed} failed${stop.signal.aborted && !outputBroken ? ' (interrupted: input not finished)' : ''}`,
  );
  return stop.signal.aborted && !outputBroken ? 130 : 0;
}
