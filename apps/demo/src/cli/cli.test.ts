import { createServer } from 'node:net';
import { type ChaosServer, startChaosServer } from '@sentinel/chaos';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transientFaults } from '../phases/upstream.ts';
import type { DemoResult } from '../run-demo.ts';
import { spawnDemo } from '../test-support/spawn-demo.ts';

// The demo spawned as a user runs it; each run is small (one phase, few workers).
describe('pnpm demo, as a command', () => {
  let server: ChaosServer;
  beforeAll(async () => {
    server = await startChaosServer({ seed: 17, faults: transientFaults(0.1) });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    [['--bogus'], "demo: unknown flag '--bogus' (see --help)"],
    [['--workers', 'many'], "demo: --workers must be a whole number; got 'many' (see --help)"],
    [['--phase', 'crawl'], "demo: --phase must be one of scraper, gateway, load; got 'crawl' (see --help)"],
    [
      ['--target', 'file:///etc/passwd'],
      "demo: --target must be an http(s) URL; got the file URL 'file:///etc/passwd' (see --help)",
    ],
  ])(
    '%j: one clear line on stderr, nothing on stdout, exit 2',
    async (args, line) => {
      const demo = spawnDemo(args);
      expect(await demo.exit).toBe(2);
      expect(demo.stderr()).toBe(`${line}\n`);
      expect(demo.stdout()).toBe('');
    },
    60_000,
  );

  it('--target that does not answer: one line naming it, exit 2', async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    const port = await new Promise<number>((resolve) =>
      probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port)),
    );
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const demo = spawnDemo(['--target', `http://127.0.0.1:${port}/`]);
    expect(await demo.exit).toBe(2);
    expect(demo.stderr()).toMatch(
      new RegExp(`^demo: --target http://127.0.0.1:${port}/ does not answer: .*ECONNREFUSED.*\\n$`),
    );
  }, 60_000);

  it('--help shows examples first, then the flags, and exits 0', async () => {
    const demo = spawnDemo(['--help']);
    expect(await demo.exit).toBe(0);
    const help = demo.stdout();
    expect(help.indexOf('Examples')).toBeGreaterThan(0);
    expect(help.indexOf('Examples')).toBeLessThan(help.indexOf('Flags'));
    for (const flag of [
      '--workers',
      '--requests',
      '--failure-rate',
      '--seed',
      '--phase',
      '--full',
      '--json',
      '--report',
      '--dashboard',
      '--target',
    ]) {
      expect(help).toContain(flag);
    }
  }, 60_000);

  it("--json against a --target: the whole result on stdout, its counts are the server's own", async () => {
    server.resetStats();
    const demo = spawnDemo([
      '--target',
      `${server.url}/health`,
      '--phase',
      'load',
      '--workers',
      '5',
      '--requests',
      '20',
      '--json',
    ]);
    expect(await demo.exit, demo.stderr()).toBe(0);
    const run = JSON.parse(demo.stdout()) as DemoResult;
    expect(run.status).toBe('finished');
    const [load] = run.phases;
    expect(load?.report.requests).toBe(100);
    // The server saw every attempt, plus the one request that checked the target answers.
    const seen = server.stats();
    expect(load?.report.attempts).toBe(seen.requests - 1);
    expect(load?.report.retries).toBe(seen.requests - 1 - 100);
    expect(load?.report.statuses['200']).toBe((seen.faults.echo ?? 0) - 1);
    // Progress went to stderr, never into the JSON.
    expect(demo.stderr()).toMatch(/^load {3}.*done$/m);
  }, 60_000);

  it('prints a table per phase and the guarantees, and exits 0 when they all held', async () => {
    const demo = spawnDemo(['--phase', 'load', '--workers', '5', '--requests', '10', '--seed', '3']);
    expect(await demo.exit, demo.stderr()).toBe(0);
    const out = demo.stdout();
    expect(out).toMatch(/^Load test — 5 workers × 10 GETs each/m);
    expect(out).toMatch(/^ {2}requests {3}50 in /m);
    expect(out).toMatch(/^ {2}ok {4}load: client attempts = server requests — (\d+) sent, \1 received$/m);
    expect(out).toMatch(/^ {2}ok {4}no socket or timer left/m);
    expect(out).not.toMatch(/FAIL/);
  }, 60_000);

  it('Ctrl-C mid-run stops sending, prints the partial tables and exits 130', async () => {
    const demo = spawnDemo(['--phase', 'gateway', '--workers', '4']);
    await demo.waitForStderr(/^gateway .*\d+ jobs/m);
    demo.child.kill('SIGINT');
    expect(await demo.exit, demo.stderr()).toBe(130);
    const out = demo.stdout();
    expect(out).toMatch(/^API gateway \(interrupted\) — /m);
    expect(out).toMatch(/^Guarantees$/m);
    expect(out).toMatch(/Interrupted: the tables above cover what ran before Ctrl-C\./);
    expect(demo.stderr()).toMatch(/interrupted$/m);
  }, 60_000);
});
