import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, runCli, spawnCli } from '../test-support/built.ts';
import type { ScrapeLine } from './commands/scrape.ts';

beforeAll(() => ensureBuilt(), 600_000);

let server: ChaosServer;
let folder: string;
beforeEach(async () => {
  server = await startChaosServer({ seed: 21 });
  folder = mkdtempSync(join(tmpdir(), 'sentinel-scrape-'));
});
afterEach(async () => {
  await server.close();
  rmSync(folder, { recursive: true, force: true });
});
afterAll(() => undefined);

const parseLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as ScrapeLine);

describe('http-sentinel scrape (built bin)', () => {
  it('reads URLs from stdin and writes one complete line per URL, in input order with --ordered', async () => {
    server.route('/missing', [{ type: 'status', status: 404 }]);
    server.route('/flaky', [{ type: 'status', status: 503, times: 2 }]);
    server.route('/slow-first', [{ type: 'echo', latencyMs: 150 }]);
    const urls = [
      `${server.url}/slow-first`,
      ...Array.from({ length: 40 }, (_, i) => `${server.url}/page/${i}`),
      `${server.url}/missing`,
      '# a comment',
      '',
      'not a url',
      `${server.url}/flaky`,
    ];
    const result = await runCli(['scrape', '-w', '4', '--ordered', '--preset', 'development'], {
      stdin: `${urls.join('\n')}\n`,
    });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    expect(lines.map((l) => l.url)).toEqual(urls.filter((u) => u !== '' && !u.startsWith('#')));
    expect(lines[0]).toMatchObject({ status: 200, error: null, attempts: 1 });
    expect(lines[0]?.bytes).toBeGreaterThan(0);
    expect(lines[0]?.ms).toBeGreaterThanOrEqual(150);
    expect(lines.find((l) => l.url.endsWith('/missing'))).toMatchObject({ status: 404, error: null, attempts: 1 });
    expect(lines.find((l) => l.url === 'not a url')).toMatchObject({ status: null, bytes: null, error: 'INVALID_URL' });
    expect(lines.find((l) => l.url.endsWith('/flaky'))).toMatchObject({ status: 200, attempts: 3 });
    for (const line of lines)
      expect(Object.keys(line).sort()).toEqual(['attempts', 'bytes', 'error', 'ms', 'status', 'url']);
    expect(server.stats().requests).toBe(45); // 42 URLs once, the flaky one 3 times, none for the bad line
    expect(result.stderr).toMatch(/scrape: 44 URLs in [\d.]+ s: 42 ok, 1 HTTP errors, 1 failed/);
  }, 90_000);

  it('reads a file and writes to -o; a refused connection is a line with its error code', async () => {
    const input = join(folder, 'urls.txt');
    const output = join(folder, 'out.ndjson');
    writeFileSync(input, `${server.url}/a\nhttp://127.0.0.1:1/refused\n${server.url}/b`); // no final newline
    const result = await runCli(['scrape', input, '-o', output, '--preset', 'hft']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('');
    const lines = parseLines(readFileSync(output, 'utf8'));
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.url.includes(':1/'))?.error).toBe('SENTINEL_NETWORK:ECONNREFUSED');
  }, 90_000);

  it('bad usage exits 2 with one line: a missing file, a bad --workers, an unknown --preset, a bad header', async () => {
    for (const [args, named] of [
      [['scrape', join(folder, 'nope.txt')], 'nope.txt'],
      [['scrape', '-w', '0'], '--workers'],
      [['scrape', '--preset', 'turbo'], '--preset'],
      [['scrape', '-H', 'no-colon'], '-H'],
      [['scrape', 'a.txt', 'b.txt'], 'one input'],
    ] as const) {
      const result = await runCli(args, { stdin: '' });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toContain(named);
    }
  }, 90_000);

  it('Ctrl-C stops reading, finishes what is in flight, leaves only complete lines and exits 130', async () => {
    server.route('/slow', [{ type: 'echo', latencyMs: 300 }]);
    const cli = spawnCli(['scrape', '-w', '2']);
    // stdin stays open: without the signal the command would wait for more input forever.
    cli.child.stdin.write(Array.from({ length: 6 }, (_, i) => `${server.url}/slow?${i}\n`).join(''));
    await vi.waitFor(() => expect(cli.stdout().split('\n').length).toBeGreaterThan(2), {
      timeout: 20_000,
      interval: 20,
    });
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stdout.endsWith('\n')).toBe(true);
    const lines = parseLines(result.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.status === 200)).toBe(true);
    expect(result.stderr).toContain('interrupted');
  }, 90_000);
});
