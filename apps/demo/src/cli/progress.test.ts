import { describe, expect, it } from 'vitest';
import type { PhaseProgress, PhaseResult } from '../phases/phase.ts';
import { collector } from '../test-support/collector.ts';
import { Progress, progressText } from './progress.ts';

const gateway = (elapsedMs: number, done: number): PhaseProgress => ({
  name: 'gateway',
  elapsedMs,
  done,
  total: null,
  failed: 3,
  retries: 12,
  queued: 7,
  shed: 2,
  openBreakers: 5,
  now: ['payments outage'],
});

const ended = {
  name: 'gateway',
  status: 'finished',
  report: { elapsedMs: 12_000, requests: 4_000, failed: 9, retries: 40 },
};

function progress(interactive: boolean) {
  let now = 0;
  const err = collector();
  const line = new Progress({ err: err.stream, interactive, now: () => now });
  return { line, err, at: (ms: number) => (now = ms) };
}

describe('the progress line', () => {
  it('says what the running phase is doing', () => {
    expect(progressText(gateway(2_000, 500))).toBe(
      'gateway  500 jobs  250/s  retries 12  failed 3  queued 7  refused 2  open breakers 5  2.0 s  [payments outage]',
    );
    expect(progressText({ name: 'scraper', elapsedMs: 0, done: 0, total: 3_000, failed: 0, retries: 0 })).toBe(
      'scraper  0 / 3,000 pages  0/s  retries 0  failed 0  0.0 s',
    );
  });

  it('on a terminal redraws in place at most 4 times a second and leaves a summary line', () => {
    const { line, err, at } = progress(true);
    line.show(gateway(0, 1));
    at(100);
    line.show(gateway(100, 2)); // too soon: not drawn
    at(250);
    line.show(gateway(250, 3));
    line.done(ended as unknown as PhaseResult);
    const drawn = err
      .text()
      .split('\r\u001b[2K')
      .filter((part) => part !== '');
    expect(drawn.map((part) => part.split('  ')[1])).toEqual(['1 jobs', '3 jobs', '4,000 jobs']);
    expect(err.text().endsWith('done\n')).toBe(true);
    expect(err.text().split('\n')).toHaveLength(2); // one line left behind, nothing else
  });

  it('without a terminal writes a plain line every 2 seconds', () => {
    const { line, err, at } = progress(false);
    for (let ms = 0; ms <= 5_000; ms += 250) {
      at(ms);
      line.show(gateway(ms, ms));
    }
    line.done(ended as unknown as PhaseResult);
    expect(err.text()).not.toContain('\r');
    expect(
      err
        .text()
        .trimEnd()
        .split('\n')
        .map((l) => l.split('  ')[1]),
    ).toEqual(['0 jobs', '2,000 jobs', '4,000 jobs', '4,000 jobs']);
  });
});
