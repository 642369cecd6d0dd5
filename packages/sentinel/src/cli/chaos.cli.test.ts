import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'undici';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ensureBuilt, PACKAGE_DIR, runCli, spawnCli } from '../test-support/built.ts';

// The built bin, spawned as a user runs it; the build is turbo-cached (about a second when fresh).
beforeAll(() => ensureBuilt(), 600_000);

async function firstLine(read: () => string): Promise<string> {
  await vi.waitFor(() => expect(read()).toContain('\n'), { timeout: 20_000, interval: 20 });
  return read().split('\n')[0] as string;
}

describe('http-sentinel (built bin)', () => {
  it('--version prints the package version; --help shows examples first', async () => {
    const version = await runCli(['--version']);
    expect(version).toMatchObject({ code: 0, stderr: '' });
    expect(version.stdout).toBe(`${JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')).version}\n`);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout.split('\n').slice(0, 5).join('\n')).toContain('Examples:');
    for (const command of ['load', 'scrape', 'chaos']) {
      const sub = await runCli([command, '--help']);
      expect(sub.code, command).toBe(0);
      expect(sub.stdout.indexOf('Examples:'), command).toBeLessThan(sub.stdout.indexOf('Options:'));
    }
  }, 120_000);

  it('no command: the help on stderr and exit 2; an unknown command or flag: one line naming it, exit 2', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Commands:');
    for (const [args, named] of [
      [['stress'], '"stress"'],
      [['--verbose'], '"--verbose"'],
      [['chaos', '--nope'], '--nope'],
      [['chaos', '--port', 'x'], '--port'],
      [['chaos', '--port', '70000'], '--port'],
      [['chaos', '--seed', '-3'], '--seed'],
      [['chaos', '--profile', 'broken'], '--profile'],
      [['chaos', '--fault', 'teapot'], '--fault'],
      [['chaos', '--fault', '503,rate=2'], 'rate'],
      [['chaos', 'extra'], '"extra"'],
    ] as const) {
      const result = await runCli(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr, args.join(' ')).toContain(named);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.stdout).toBe('');
    }
  }, 120_000);

  it('chaos: prints its URL, injects the profile faults (seeded), and shuts down on SIGINT', async () => {
    const cli = spawnCli(['chaos', '--profile', 'flaky', '--seed', '7', '--fault', '418,times=1']);
    const url = await firstLine(cli.stdout);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const response = await request(`${url}/items/${i}`).catch(() => undefined); // resets are part of the profile
      if (response === undefined) continue;
      statuses.push(response.statusCode);
      await response.body.dump();
    }
    expect(statuses[0]).toBe(418); // --fault first, once
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(cli.stderr()).toContain('profile flaky');

    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/chaos server stopped after \d+ requests/);
    await expect(request(`${url}/after`)).rejects.toThrow(); // nothing listens any more
  }, 60_000);

  it('chaos --profile outage: takes every path down on a cycle, brings it back, and says so', async () => {
    const cli = spawnCli(['chaos', '--profile', 'outage', '--outage', '300ms/900ms']);
    const url = await firstLine(cli.stdout);
    const seen: number[] = [];
    const status = async () => {
      const response = await request(`${url}/x`);
      await response.body.dump();
      seen.push(response.statusCode);
      return response.statusCode;
    };
    await vi.waitFor(async () => expect(await status()).toBe(503), { timeout: 20_000, interval: 25 });
    await vi.waitFor(async () => expect(await status()).toBe(200), { timeout: 20_000, interval: 25 });
    expect(seen.at(-1)).toBe(200);
    cli.child.kill('SIGTERM');
    expect((await cli.done).code).toBe(0);
    expect(cli.stderr()).toContain('every path answers 503 for 0.3 s in every 0.9 s');
    expect(cli.stderr()).toContain('recovered');
  }, 60_000);

  it('chaos --outage that is not DOWN/EVERY with DOWN shorter: exit 2 naming --outage', async () => {
    for (const value of ['3s', '10s/3s', 'x/10s', '3s/']) {
      const result = await runCli(['chaos', '--outage', value]);
      expect(result.code, value).toBe(2);
      expect(result.stderr, value).toContain('--outage');
    }
  }, 60_000);

  it('chaos --port in use: one line and exit 2', async () => {
    const first = spawnCli(['chaos']);
    const url = await firstLine(first.stdout);
    const port = new URL(url).port;
    const second = await runCli(['chaos', '--port', port]);
    expect(second.code).toBe(2);
    expect(second.stderr.trim()).toBe(`http-sentinel: --port ${port} is already in use`);
    first.child.kill('SIGINT');
    await once(first.child, 'close');
  }, 60_000);
});
