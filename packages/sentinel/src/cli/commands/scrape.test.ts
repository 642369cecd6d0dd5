import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readUrls } from './scrape.ts';

describe('readUrls', () => {
  it('splits lines across chunk borders, trims CR, skips blanks and comments, keeps a last line without newline', async () => {
    const input = Readable.from(['http://a/1\r\nhttp://a/', '2\n\n# note\n  http://a/3  \n', 'http://a/4']);
    const lines: string[] = [];
    for await (const line of readUrls(input, new AbortController().signal)) lines.push(line);
    expect(lines).toEqual(['http://a/1', 'http://a/2', 'http://a/3', 'http://a/4']);
  });

  it('is lazy: taking 250 lines of a 10-million-line input reads only a few chunks of it', async () => {
    let produced = 0;
    function* tenMillionLines() {
      for (let chunk = 0; chunk < 100_000; chunk++) {
        produced++;
        yield Array.from({ length: 100 }, (_, i) => `http://127.0.0.1/${chunk * 100 + i}\n`).join('');
      }
    }
    let taken = 0;
    for await (const _ of readUrls(Readable.from(tenMillionLines()), new AbortController().signal)) {
      if (++taken === 250) break;
    }
    expect(taken).toBe(250);
    expect(produced).toBeLessThan(40); // 3 chunks consumed plus the stream's small read-ahead
  });

  it('stops at the next line once the signal aborts', async () => {
    const stop = new AbortController();
    const lines: string[] = [];
    for await (const line of readUrls(Readable.from(['a\nb\nc\nd\n']), stop.signal)) {
      lines.push(line);
      if (line === 'b') stop.abort();
    }
    expect(lines).toEqual(['a', 'b']);
  });
});
