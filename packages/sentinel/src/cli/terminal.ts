import type { Writable } from 'node:stream';
import { type Clock, systemClock } from '@sentinel/core';

/** Where the CLI writes: data to `out`, people to `err` (STYLE §18). */
export interface Terminal {
  readonly out: Writable;
  readonly err: Writable;
  /** stderr is a terminal: progress redraws in place. */
  readonly interactive: boolean;
  /** Colour on stderr: a terminal, and no `NO_COLOR`. */
  readonly color: boolean;
  readonly clock: Clock;
}

export function processTerminal(): Terminal {
  const interactive = process.stderr.isTTY === true;
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  return {
    out: process.stdout,
    err: process.stderr,
    interactive,
    color: interactive && !noColor && process.env.TERM !== 'dumb',
    clock: systemClock,
  };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/** `text` in a colour when the terminal takes colour, plain otherwise. */
export function paint(term: Terminal, colour: keyof typeof CODES, text: string): string {
  return term.color ? `\u001b[${CODES[colour]}m${text}\u001b[0m` : text;
}

/**
 * A progress line: redrawn in place at most 4 times a second on a terminal, a plain line every
 * 5 seconds otherwise. `done()` leaves one summary line behind.
 */
export class ProgressLine {
  private last = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(private readonly term: Terminal) {}

  update(line: string, force = false): void {
    const now = this.term.clock.now();
    const every = this.term.interactive ? 250 : 5_000;
    if (!force && now - this.last < every) return;
    this.last = now;
    if (this.term.interactive) {
      this.term.err.write(`\r\u001b[2K${line}`);
      this.drawn = true;
    } else {
      this.term.err.write(`${line}\n`);
    }
  }

  /** Replaces the live line with `line` (or clears it) and ends it with a newline. */
  done(line?: string): void {
    if (this.term.interactive && this.drawn) this.term.err.write('\r\u001b[2K');
    if (line !== undefined) this.term.err.write(`${line}\n`);
    this.drawn = false;
  }
}
