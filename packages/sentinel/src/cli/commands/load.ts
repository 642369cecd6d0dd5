import { constants } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, resolve } from 'node:path';
import type { RetryPolicy } from '@sentinel/backoff';
import type { CircuitBreaker } from '@sentinel/breaker';
import type { ClientOptions, RequestOptions } from '@sentinel/client';
import { isConfigError } from '@sentinel/core';
import {
  formatReport,
  type LoadTestProgress,
  type LoadTestReport,
  loadTest,
  type TaskContext,
} from '@sentinel/workers';
import type { PresetName } from '../../presets/presets.ts';
import { phaseFromLoadTestReport } from '../../report/from-load-test.ts';
import { renderReportHtml } from '../../report/render-html.ts';
import { createResilientClient, resilientClientOptions } from '../../resilient-client/create-resilient-client.ts';
import {
  durationFlag,
  httpUrl,
  integerFlag,
  numberFlag,
  parseFlags,
  RunError,
  stringFlag,
  UsageError,
} from '../args.ts';
import { LOAD_HELP } from '../help.ts';
import { ProgressLine, paint, type Terminal } from '../terminal.ts';
import { abortOnInterrupt } from './interrupt.ts';
import { headersFlag, presetFlag, workerClientOptions } from './shared-flags.ts';

/** Fails the run at once, with one line, when nothing listens at the target (instead of N×M refusals). */
function probe(url: URL): Promise<void> {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setTimeout(10_000, () => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      reject(new RunError(`cannot connect to ${url.origin} (${error.code ?? error.message})`));
    });
  });
}

interface LiveCounters {
  readonly retries: number;
  readonly openBreakers: number;
}

/**
 * Client options for each worker, built as createResilientClient would, with the retries and
 * breakers watched for the progress line. loadTest creates the clients from them, so it also
 * records every breaker transition exactly (not by sampling).
 */
function watchedClients(preset: PresetName, headers: [string, string][]) {
  let retries = 0;
  const breakers: { readonly state: string }[] = [];
  return {
    options(): ClientOptions {
      const options = resilientClientOptions(workerClientOptions(preset, headers));
      (options.retry as RetryPolicy | undefined)?.onRetry(() => {
        retries++;
      });
      const factory = options.breaker as ((origin: string) => CircuitBreaker) | undefined;
      if (factory === undefined) return options;
      return {
        ...options,
        breaker: (origin: string) => {
          const breaker = factory(origin);
          breakers.push(breaker);
          return breaker;
        },
      };
    },
    counters(): LiveCounters {
      return { retries, openBreakers: breakers.filter((b) => b.state === 'open').length };
    },
  };
}

function progressLine(p: LoadTestProgress, live: LiveCounters, stopping: boolean): string {
  const total = p.total === null ? '' : `/${p.total.toLocaleString('en-US')}`;
  const share = p.total === null || p.total === 0 ? '' : ` ${Math.floor((100 * p.done) / p.total)} %`;
  return (
    `load: ${p.done.toLocaleString('en-US')}${total}${share} · ${Math.round(p.rps).toLocaleString('en-US')} req/s · ` +
    `${p.failed.toLocaleString('en-US')} errors · ${live.retries.toLocaleString('en-US')} retries · ` +
    `${live.openBreakers} open breakers · ${(p.elapsedMs / 1000).toFixed(1)} s${stopping ? ' · stopping (Ctrl-C again to quit now)' : ''}`
  );
}

/** `http-sentinel load <url>`: the load-test pattern through the resilient stack. */
export async function loadCommand(args: readonly string[], term: Terminal): Promise<number> {
  const parsed = parseFlags('load', args, {
    workers: { type: 'string', short: 'w' },
    requests: { type: 'string', short: 'n' },
    duration: { type: 'string', short: 'd' },
    warmup: { type: 'string' },
    rate: { type: 'string' },
    preset: { type: 'string' },
    method: { type: 'string', short: 'm' },
    header: { type: 'string', short: 'H', multiple: true },
    body: { type: 'string', short: 'b' },
    json: { type: 'boolean' },
    report: { type: 'string' },
    'min-success': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help === true) {
    term.out.write(LOAD_HELP);
    return 0;
  }
  if (parsed.positionals.length > 1) throw new UsageError(`load takes one URL; got ${parsed.positionals.length}`);
  const url = httpUrl('URL (http-sentinel load <url>)', parsed.positionals[0]);
  const workers = integerFlag('--workers', stringFlag(parsed, 'workers'), 1, 100_000) ?? 100;
  const requests = integerFlag('--requests', stringFlag(parsed, 'requests'), 1);
  const durationMs = durationFlag('--duration', stringFlag(parsed, 'duration'));
  if (requests !== undefined && durationMs !== undefined) {
    throw new UsageError('--requests and --duration exclude each other: give one');
  }
  // A fresh process runs its first seconds slower while V8 compiles the hot path (autocannon has
  // the same flag for the same reason): a warm-up sends for that long first, uncounted.
  const warmupMs = durationFlag('--warmup', stringFlag(parsed, 'warmup'));
  const rate = numberFlag('--rate', stringFlag(parsed, 'rate'), { min: 0, exclusiveMin: true });
  const minSuccess = numberFlag('--min-success', stringFlag(parsed, 'min-success'), { min: 0, max: 1 }) ?? 0;
  const preset = presetFlag(parsed);
  const method = (stringFlag(parsed, 'method') ?? 'GET').toUpperCase();
  if (!/^[A-Z]+$/.test(method))
    throw new UsageError(`--method must be an HTTP method such as GET or POST; got "${method}"`);
  const headers = headersFlag(parsed);
  const body = stringFlag(parsed, 'body');
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new UsageError(`--body needs a method that takes one (-m POST); ${method} does not`);
  }
  const reportFile = stringFlag(parsed, 'report');
  const json = parsed.values.json === true;
  if (reportFile !== undefined) {
    // A report that cannot be written should fail now, not after a ten-minute run.
    await access(dirname(resolve(reportFile)), constants.W_OK).catch(() => {
      throw new UsageError(`--report ${reportFile}: its folder does not exist or cannot be written`);
    });
  }
  // Every knob and header is validated here, before the target is touched.
  try {
    await createResilientClient(workerClientOptions(preset, headers)).close();
  } catch (error) {
    if (isConfigError(error)) throw new UsageError(error.message);
    throw error;
  }
  await probe(url);

  const clients = watchedClients(preset, headers);
  const controller = new AbortController();
  const removeHandlers = abortOnInterrupt(controller);
  const progress = new ProgressLine(term);
  const target = url.href;
  term.err.write(
    `${paint(term, 'bold', 'load')} ${method} ${target}: ${workers} workers × ${durationMs === undefined ? `${(requests ?? 1_000).toLocaleString('en-US')} requests` : `${durationMs / 1000} s`}` +
      `${rate === undefined ? '' : ` at ${rate} req/s`}, preset ${preset}` +
      `${warmupMs === undefined ? '' : `, after a ${warmupMs / 1000} s warm-up`}\n`,
  );
  // One request init per worker, made at its first request and reused for every other: its
  // context (so its signal) lives as long as the worker's loop, and a body string is immutable.
  // Not a new object (spread) per request.
  const inits = new WeakMap<TaskContext, RequestOptions>();
  const initOf = (context: TaskContext): RequestOptions => {
    let init = inits.get(context);
    if (init === undefined) {
      init = body === undefined ? { signal: context.signal } : { signal: context.signal, body };
      inits.set(context, init);
    }
    return init;
  };
  let report: LoadTestReport;
  try {
    report = await loadTest({
      workers,
      ...(durationMs === undefined ? { requestsPerWorker: requests ?? 1_000 } : { durationMs }),
      ...(rate === undefined ? {} : { rate }),
      ...(warmupMs === undefined ? {} : { warmup: { durationMs: warmupMs } }),
      clientOptions: () => clients.options(),
      // One context per worker for the whole run (so one signal, made once): passing it lets
      // Ctrl-C end a request waiting in a backoff or for a Retry-After, not only one on the wire.
      // A request refused without I/O (an open breaker) needs no pause here: loadTest yields to
      // the event loop when a worker's requests keep settling without it.
      request: ({ client }, context) => client.request(method, target, initOf(context)),
      signal: controller.signal,
      onProgress: (p) =>
        progress.update(progressLine(p, clients.counters(), controller.signal.aborted), p.done === p.total),
    });
  } finally {
    removeHandlers();
  }
  progress.done();

  const table = formatReport(report);
  if (json) {
    term.out.write(`${JSON.stringify(report, null, 2)}\n`);
    term.err.write(`${table}\n`);
  } else {
    term.out.write(`${table}\n`);
  }
  if (reportFile !== undefined) {
    const html = renderReportHtml({
      title: `http-sentinel load ${target}`,
      subtitle: `${method} · ${workers} workers · ${report.model} model${rate === undefined ? '' : ` at ${rate} req/s`} · preset ${preset}`,
      status: report.aborted ? 'interrupted' : 'finished',
      phases: [phaseFromLoadTestReport(report)],
    });
    try {
      await writeFile(reportFile, html);
      term.err.write(`report written to ${reportFile}\n`);
    } catch (error) {
      throw new RunError(
        `cannot write the report to "${reportFile}" (${(error as { code?: string }).code ?? 'error'})`,
      );
    }
  }
  if (report.aborted) {
    term.err.write('load: interrupted; the report covers the requests that had ended\n');
    return 130;
  }
  if (report.successRate < minSuccess) {
    term.err.write(
      `${paint(term, 'red', 'load: failed')}: success rate ${(report.successRate * 100).toFixed(2)} % is below --min-success ${minSuccess * 100} %\n`,
    );
    return 1;
  }
  return 0;
}
