import { Writable } from 'node:stream';
import { ManualClock } from '@sentinel/core/testing';
import { describe, expect, it } from 'vitest';
import { ProgressLine, paint, type Terminal } from './terminal.ts';

function terminal(interactive: boolean, color: boolean) {
  const clock = new ManualClock();
  let written = '';
  const err = new Writable({
    write(chunk, _encoding, done) {
      written += String(chunk);
      done();
    },
  });
  const term: Terminal = { out: err, err, interactive, color, clock };
  return { term, clock, written: () => written };
}

describe('ProgressLine', () => {
  it('on a terminal redraws one line in place at most 4 times a second and leaves a summary line', async () => {
    const { term, clock, written } = terminal(true, true);
    const line = new ProgressLine(term);
    line.update('1');
    line.update('2'); // within 250 ms: skipped
    await clock.advance(250);
    line.update('3');
    line.done('done');
    expect(written()).toBe('\r\u001b[2K1\r\u001b[2K3\r\u001b[2Kdone\n');
  });

  it('without a terminal writes a plain line every 5 seconds, no escape codes', async () => {
    const { term, clock, written } = terminal(false, false);
    const line = new ProgressLine(term);
    line.update('a');
    await clock.advance(4_999);
    line.update('b');
    await clock.advance(1);
    line.update('c');
    line.update('d', true); // forced: the last one is always written
    line.done('end');
    expect(written()).toBe('a\nc\nd\nend\n');
  });
});

describe('paint', () => {
  it('colours only when the terminal takes colour', () => {
    expect(paint(terminal(true, true).term, 'red', 'x')).toBe('\u001b[31mx\u001b[0m');
    expect(paint(terminal(true, false).term, 'red', 'x')).toBe('x');
  });
});
