import type { GatewayFacts } from '../phases/gateway.ts';
import type { LoadFacts } from '../phases/load.ts';
import { type Check, int, type PhaseResult, percent } from '../phases/phase.ts';
import type { ScraperFacts } from '../phases/scraper.ts';
import type { DemoResult } from '../run-demo.ts';

const ms = (n: number): string => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const seconds = (elapsedMs: number): string => `${(elapsedMs / 1_000).toFixed(2)} s`;

function row(label: string, text: string): string {
  return `  ${label.padEnd(10)} ${text}`;
}

function counts(table: Readonly<Record<string, number>>): string {
  const entries = Object.entries(table).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([key, n]) => `${key} × ${int(n)}`).join(', ');
}

/** The rows every phase has: totals, retries, latency percentiles, errors. */
function common(phase: PhaseResult, unit: string, perSecond: string): string[] {
  const r = phase.report;
  const l = r.latencyMs;
  return [
    row(
      unit,
      `${int(r.requests)} in ${seconds(r.elapsedMs)} — ${int(r.throughput)} ${perSecond}; ` +
        `ok ${int(r.succeeded)} (${percent(r.successRate)}), failed ${int(r.failed)}${r.aborted ? ' (interrupted)' : ''}`,
    ),
    row('attempts', `${int(r.attempts)} sent by the workers' clients, ${int(r.retries)} of them retries`),
    row(
      'latency',
      `p50 ${ms(l.p50)} · p90 ${ms(l.p90)} · p99 ${ms(l.p99)} · p99.9 ${ms(l.p999)} · max ${ms(l.max)} ms`,
    ),
    row('errors', counts(r.errors)),
  ];
}

function scraperRows(phase: PhaseResult<ScraperFacts>): string[] {
  const f = phase.facts;
  const r = phase.report;
  const without = r.requests === 0 ? 0 : f.failedFirstTime / r.requests;
  return [
    ...common(phase, 'pages', 'pages/s'),
    row(
      'retries',
      `rescued ${int(f.rescuedByRetry)} pages: without them ${percent(without)} would have failed, ` +
        `with them ${percent(1 - r.successRate)} did`,
    ),
    row('NDJSON', `${f.ndjson.path} (${int(f.ndjson.lines)} lines)`),
  ];
}

function gatewayRows(phase: PhaseResult<GatewayFacts>): string[] {
  const f = phase.facts;
  const j = f.jobs;
  const pair = (x: { ok: number; failed: number }) => `${int(x.ok)} ok / ${int(x.failed)} failed`;
  const rows = [
    ...common(phase, 'jobs', 'jobs/s'),
    row('queue', `${int(f.shed)} jobs refused at once by the full queue (maxQueue ${f.maxQueue}), never sent`),
    row(
      'by route',
      `catalog ${pair(j.catalog)} · payments ${pair(j.payments)} · orders ${pair(j.order)} · ` +
        `unkeyed orders ${pair(j['order-unkeyed'])}`,
    ),
  ];
  if (f.outage !== null) {
    const o = f.outage;
    rows.push(
      row(
        'outage',
        `payments hung ${o.from.toFixed(2)}–${o.to.toFixed(2)} s: ${o.breakersOpened} workers' breakers opened; ` +
          `${int(o.rejectedFast.jobs)} callers got a CircuitOpenError in ${ms(o.rejectedFast.meanMs)} ms, ` +
          `${int(o.timedOut.jobs)} had waited for ${o.timeoutMs} ms timeouts (${int(o.timedOut.meanMs)} ms)`,
      ),
    );
  }
  if (f.burst !== null) {
    const b = f.burst;
    rows.push(
      row(
        '429 burst',
        `catalog ${b.from.toFixed(2)}–${b.to.toFixed(2)} s: ${int(b.tooManyRequests)} × 429, then the shared ` +
          `limiter held every worker${b.limiterPausedUntil === null ? '' : ` until ${b.limiterPausedUntil.toFixed(2)} s`}`,
      ),
    );
  }
  return rows;
}

function loadRows(phase: PhaseResult<LoadFacts>): string[] {
  return [...common(phase, 'requests', 'req/s'), row('target', `GET ${phase.facts.url}`)];
}

/** One block per phase: its title and description, then its rows. */
export function phaseTable(phase: PhaseResult): string {
  const rows =
    phase.name === 'scraper'
      ? scraperRows(phase as PhaseResult<ScraperFacts>)
      : phase.name === 'gateway'
        ? gatewayRows(phase as PhaseResult<GatewayFacts>)
        : loadRows(phase as PhaseResult<LoadFacts>);
  const title = `${phase.title}${phase.status === 'interrupted' ? ' (interrupted)' : ''}`;
  return [`${title} — ${phase.description}`, ...rows].join('\n');
}

function verdict(check: Check): string {
  return !check.checked ? 'skip' : check.ok ? 'ok  ' : 'FAIL';
}

/** The guarantees, one line each: `ok`, `FAIL` or `skip` (could not be judged), name, evidence. */
export function guaranteesTable(guarantees: readonly Check[]): string {
  return ['Guarantees', ...guarantees.map((c) => `  ${verdict(c)}  ${c.name} — ${c.detail}`)].join('\n');
}

/** Every phase's table and the guarantees, as the demo prints them at the end. */
export function resultText(run: DemoResult): string {
  const blocks = run.phases.map(phaseTable);
  blocks.push(guaranteesTable(run.guarantees));
  if (run.status === 'interrupted') blocks.push('Interrupted: the tables above cover what ran before Ctrl-C.');
  return `${blocks.join('\n\n')}\n`;
}
