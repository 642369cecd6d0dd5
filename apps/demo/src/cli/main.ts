import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createClient } from '@sentinel/client';
import { type Clock, systemClock, systemWallClock, type WallClock } from '@sentinel/core';
import { type Dashboard, renderReportHtml, serveDashboard } from 'http-sentinel/report';
import { type MetricsEndpoint, prometheusMetrics } from '../metrics.ts';
import { demoDocument } from '../report-document.ts';
import { type DemoResult, runDemo } from '../run-demo.ts';
import { type DemoArgs, parseDemoArgs, UsageError } from './args.ts';
import { HELP } from './help.ts';
import { Progress } from './progress.ts';
import { resultText } from './tables.ts';

/** Where the demo reads and writes: the process by default, something else in tests. */
export interface DemoIo {
  /** Results: the tables, or the JSON with `--json`. */
  readonly out: Writable;
  /** People: progress, the dashboard's address, errors. */
  readonly err: Writable;
  /** stderr is a terminal: progress redraws in place. */
  readonly interactive: boolean;
  readonly cwd: string;
  /** Where Ctrl-C comes from (`process`): `on('SIGINT', fn)` / `off('SIGINT', fn)`. */
  readonly signals: {
    on(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
    off(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  };
  /** Called on a second Ctrl-C while the first one is still stopping the run. */
  readonly exit: (code: number) => void;
  readonly clock: Clock;
  readonly wallClock: WallClock;
  /** Told the dashboard's address once it listens (tests open it in a browser). */
  readonly onDashboard?: (dashboard: Dashboard) => void;
}

export function processIo(): DemoIo {
  return {
    out: process.stdout,
    err: process.stderr,
    interactive: process.stderr.isTTY === true,
    cwd: process.cwd(),
    signals: process,
    exit: (code) => process.exit(code),
    clock: systemClock,
    wallClock: systemWallClock,
  };
}

const INTERRUPTED = 130;

/** Why `target` does not answer, or `undefined` when it does (any HTTP status counts as an answer). */
async function probe(target: URL): Promise<string | undefined> {
  const client = createClient({
    throwOnHttpError: false,
    timeouts: { connectMs: 3_000, headersMs: 5_000, bodyIdleMs: 5_000, totalMs: 8_000 },
  });
  try {
    const response = await client.get(target.href);
    await response.bytes();
    return undefined;
  } catch (error) {
    const e = error as { errorCode?: string; message?: string };
    return e.errorCode === undefined ? (e.message ?? String(error)) : `${e.message} (${e.errorCode})`;
  } finally {
    await client.close();
  }
}

/**
 * Ctrl-C while the run goes on: the first one aborts it, a second exits at once. Once the run has
 * ended (`ended()`), a Ctrl-C ends `wait()` instead — even one pressed before `wait()` was called.
 */
function interrupts(io: DemoIo) {
  const controller = new AbortController();
  let running = true;
  let pressed = false;
  let waiter: (() => void) | undefined;
  const on = () => {
    if (!running) {
      pressed = true;
      waiter?.();
    } else if (controller.signal.aborted) io.exit(INTERRUPTED);
    else controller.abort(new Error('interrupted (Ctrl-C)'));
  };
  io.signals.on('SIGINT', on);
  io.signals.on('SIGTERM', on);
  return {
    signal: controller.signal,
    ended: () => {
      running = false;
    },
    wait: () =>
      pressed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiter = resolve;
          }),
    dispose: () => {
      io.signals.off('SIGINT', on);
      io.signals.off('SIGTERM', on);
    },
  };
}

/**
 * The demo as a command: parses `argv`, runs, prints, and resolves with the exit code — 0 when
 * every guarantee held, 1 when one broke, 2 for bad usage (one line on stderr), 130 after Ctrl-C.
 */
export async function main(argv: readonly string[], io: DemoIo = processIo()): Promise<number> {
  let args: DemoArgs;
  try {
    args = parseDemoArgs(argv, io.cwd);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err.write(`demo: ${error.message} (see --help)\n`);
    return 2;
  }
  if (args.help) {
    io.out.write(HELP);
    return 0;
  }
  const target = args.options.target;
  if (target !== undefined) {
    const problem = await probe(target);
    if (problem !== undefined) {
      io.err.write(`demo: --target ${target.href} does not answer: ${problem}\n`);
      return 2;
    }
  }

  const stop = interrupts(io);
  const now = () => new Date(io.wallClock());
  const starting: DemoResult = {
    seed: args.options.seed,
    failureRate: args.options.failureRate,
    target: target?.href ?? null,
    status: 'running',
    phases: [],
    guarantees: [],
    ok: true,
    ndjson: null,
  };
  let dashboard: Dashboard | undefined;
  let metrics: MetricsEndpoint | undefined;
  try {
    if (args.dashboard) {
      const prometheus = await prometheusMetrics();
      if ('unavailable' in prometheus) io.err.write(`dashboard: no /metrics: ${prometheus.unavailable}\n`);
      else metrics = prometheus;
      dashboard = await serveDashboard({
        document: demoDocument(starting, now()),
        routes: metrics === undefined ? {} : { '/metrics': metrics.route },
      });
      io.err.write(`dashboard: ${dashboard.url}  (live while the demo runs, then until Ctrl-C)\n`);
      if (metrics !== undefined) io.err.write(`metrics:   ${dashboard.url}metrics  (Prometheus text format)\n`);
      io.onDashboard?.(dashboard);
    }
    const progress = new Progress({ err: io.err, interactive: io.interactive, now: () => io.clock.now() });
    let shown = 0;
    const run = await runDemo({
      ...args.options,
      clock: io.clock,
      signal: stop.signal,
      ...(metrics === undefined ? {} : { instrument: metrics.instrument }),
      foreignSockets: () => dashboard?.connections ?? 0,
      onUpdate: ({ finished, progress: running, snapshot }) => {
        // Phases that ended since the last update leave their summary line; the running one redraws.
        for (; shown < finished.length; shown++) progress.done(finished[shown] as DemoResult['phases'][number]);
        if (running !== undefined) progress.show(running);
        dashboard?.update(demoDocument(snapshot(), now()));
      },
    });
    stop.ended();
    progress.finish();
    const document = demoDocument(run, now());
    dashboard?.update(document);
    io.out.write(args.json ? `${JSON.stringify(run, null, 2)}\n` : `\n${resultText(run)}`);
    if (args.report !== undefined) {
      writeFileSync(args.report, renderReportHtml(document));
      io.err.write(`report: ${args.report}\n`);
    }
    const code = run.status === 'interrupted' ? INTERRUPTED : run.ok ? 0 : 1;
    if (dashboard !== undefined && code !== INTERRUPTED) {
      io.err.write(`dashboard: ${dashboard.url} stays up with the final report; Ctrl-C to quit\n`);
      await stop.wait();
    }
    return code;
  } finally {
    stop.dispose();
    try {
      await dashboard?.close();
    } finally {
      // The metrics' client subscription is process-wide: it must go even if the dashboard's close fails.
      await metrics?.close();
    }
  }
}
