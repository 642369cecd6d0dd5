import type { Writable } from 'node:stream';
import { int, type PhaseProgress, type PhaseResult } from '../phases/phase.ts';

/** Where progress goes (stderr) and how (redrawn in place on a terminal, plain lines elsewhere). */
export interface ProgressTerminal {
  readonly err: Writable;
  readonly interactive: boolean;
  /** Clock time in ms. */
  readonly now: () => number;
}

const REDRAW_MS = 250;
const PLAIN_EVERY_MS = 2_000;
const UNITS = { scraper: 'pages', gateway: 'jobs', load: 'requests' } as const;

/** One line about the phase running now. */
export function progressText(p: PhaseProgress): string {
  const seconds = p.elapsedMs / 1_000;
  const rate = seconds > 0 ? p.done / seconds : 0;
  const done = p.total === null ? int(p.done) : `${int(p.done)} / ${int(p.total)}`;
  const parts = [
    p.name.padEnd(7),
    `${done} ${UNITS[p.name]}`,
    `${int(rate)}/s`,
    `retries ${int(p.retries)}`,
    `failed ${int(p.failed)}`,
  ];
  if (p.queued !== undefined) parts.push(`queued ${int(p.queued)}`);
  if (p.shed !== undefined) parts.push(`refused ${int(p.shed)}`);
  if (p.openBreakers !== undefined) parts.push(`open breakers ${p.openBreakers}`);
  parts.push(`${seconds.toFixed(1)} s`);
  for (const mark of p.now ?? []) parts.push(`[${mark}]`);
  return parts.join('  ');
}

/** The counters of a phase that has ended. */
export function finalProgress(phase: PhaseResult): PhaseProgress {
  const r = phase.report;
  return {
    name: phase.name,
    elapsedMs: r.elapsedMs,
    done: r.requests,
    total: null,
    failed: r.failed,
    retries: r.retries,
  };
}

/**
 * A live progress line on stderr: on a terminal redrawn in place at most 4 times a second and
 * replaced by a summary line when its phase ends; otherwise a plain line every 2 seconds.
 */
export class Progress {
  readonly #term: ProgressTerminal;
  #phase: string | undefined;
  #last = Number.NEGATIVE_INFINITY;
  #drawn = false;

  constructor(term: ProgressTerminal) {
    this.#term = term;
  }

  /** The phase running now (about 4 times a second). */
  show(progress: PhaseProgress): void {
    if (progress.name !== this.#phase) {
      this.finish();
      this.#phase = progress.name;
      this.#last = Number.NEGATIVE_INFINITY;
    }
    const now = this.#term.now();
    if (now - this.#last < (this.#term.interactive ? REDRAW_MS : PLAIN_EVERY_MS)) return;
    this.#last = now;
    this.#write(progressText(progress), false);
  }

  /** A phase ended: its summary line stays. */
  done(phase: PhaseResult): void {
    if (this.#phase !== phase.name) this.finish();
    this.#write(
      `${progressText(finalProgress(phase))}  ${phase.status === 'interrupted' ? 'interrupted' : 'done'}`,
      true,
    );
    this.#phase = undefined;
  }

  /** Ends a line left half-drawn. */
  finish(): void {
    if (this.#drawn) this.#term.err.write('\n');
    this.#drawn = false;
  }

  #write(line: string, final: boolean): void {
    if (this.#term.interactive) {
      this.#term.err.write(`\r\u001b[2K${line}${final ? '\n' : ''}`);
      this.#drawn = !final;
    } else {
      this.#term.err.write(`${line}\n`);
    }
  }
}
