import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIZES } from '../run-demo.ts';
import { parseDemoArgs, UsageError } from './args.ts';

const folder = mkdtempSync(join(tmpdir(), 'sentinel-demo-args-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** The one-line message a bad command line gets. */
function mistake(...argv: string[]): string {
  try {
    parseDemoArgs(argv, folder);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
}

describe('the demo command line', () => {
  it('runs all three phases at the default sizes with no flags', () => {
    const args = parseDemoArgs([], folder);
    expect(args).toMatchObject({ help: false, json: false, dashboard: false, report: undefined });
    expect(args.options).toEqual({
      phases: ['scraper', 'gateway', 'load'],
      seed: 7,
      failureRate: 0.1,
      target: undefined,
      scraper: DEFAULT_SIZES.scraper,
      gateway: DEFAULT_SIZES.gateway,
      load: DEFAULT_SIZES.load,
    });
  });

  it('reads every flag', () => {
    const args = parseDemoArgs(
      [
        '--workers=4',
        '--requests',
        '25',
        '--failure-rate',
        '5%',
        '--seed',
        '42',
        '--phase',
        'load,scraper',
        '--json',
        '--report',
        'out.html',
        '--dashboard',
        '--target',
        'http://127.0.0.1:8080/api',
      ],
      folder,
    );
    expect(args).toMatchObject({ json: true, dashboard: true, report: join(folder, 'out.html') });
    expect(args.options.phases).toEqual(['scraper', 'load']); // always in the demo's order
    expect(args.options).toMatchObject({ seed: 42, failureRate: 0.05 });
    expect(args.options.target?.href).toBe('http://127.0.0.1:8080/api');
    expect([args.options.scraper.workers, args.options.gateway.workers, args.options.load.workers]).toEqual([4, 4, 4]);
    expect(args.options.load.requestsPerWorker).toBe(25);
    expect(args.options.gateway.callers).toBe(DEFAULT_SIZES.gateway.callers);
    expect(parseDemoArgs(['--phase', 'gateway', '--phase', 'load'], folder).options.phases).toEqual([
      'gateway',
      'load',
    ]);
    expect(parseDemoArgs(['--failure-rate', '.25'], folder).options.failureRate).toBe(0.25);
    expect(parseDemoArgs(['--failure-rate', '0'], folder).options.failureRate).toBe(0);
    expect(parseDemoArgs(['-h'], folder).help).toBe(true);
  });

  it('--full runs the seed load test: 1,000 requests per worker', () => {
    expect(parseDemoArgs(['--full'], folder).options.load).toEqual({ workers: 100, requestsPerWorker: 1_000 });
  });

  it('turns every mistake into one line naming the flag and the value', () => {
    expect(mistake('--bogus')).toBe("unknown flag '--bogus'");
    expect(mistake('-x')).toBe("unknown flag '-x'");
    expect(mistake('--workers')).toBe('--workers needs a value');
    expect(mistake('--workers', '--json')).toBe('--workers needs a value');
    expect(mistake('--json=yes')).toBe('--json takes no value');
    expect(mistake('--workers', 'abc')).toBe("--workers must be a whole number; got 'abc'");
    expect(mistake('--workers', '2.5')).toBe("--workers must be a whole number; got '2.5'");
    expect(mistake('--workers', '0')).toBe('--workers must be between 1 and 1,000; got 0');
    expect(mistake('--workers', '1e3')).toBe("--workers must be a whole number; got '1e3'");
    expect(mistake('--requests=-5')).toBe('--requests must be between 1 and 100,000; got -5');
    expect(mistake('--seed', 'seven')).toBe("--seed must be a whole number; got 'seven'");
    expect(mistake('--failure-rate', 'lots')).toMatch(/^--failure-rate must be a share between 0 and 0.9 .*'lots'$/);
    expect(mistake('--failure-rate', '95%')).toMatch(/'95%'$/);
    expect(mistake('--failure-rate=-0.1')).toMatch(/'-0.1'$/);
    expect(mistake('--phase', 'crawl')).toBe("--phase must be one of scraper, gateway, load; got 'crawl'");
    expect(mistake('--phase', 'load,')).toBe("--phase must be one of scraper, gateway, load; got ''");
    expect(mistake('--target', 'not a url')).toBe(
      "--target must be an http(s) URL such as http://127.0.0.1:8080; got 'not a url'",
    );
    expect(mistake('--target', 'ftp://127.0.0.1/')).toBe(
      "--target must be an http(s) URL; got the ftp URL 'ftp://127.0.0.1/'",
    );
    expect(mistake('--report', join('no-such-folder', 'r.html'))).toMatch(
      /^--report no-such-folder.r\.html: the folder .* does not exist$/,
    );
    expect(mistake('--report', '.')).toBe('--report . is a folder');
    expect(mistake('--report', '')).toBe('--report needs a file name, such as --report demo-report.html');
    expect(mistake('--full', '--requests', '10')).toBe(
      '--full and --requests both set the load test size: give one of them',
    );
    expect(mistake('load')).toBe("unexpected argument 'load' (flags start with --)");
  });

  it('never picks a host itself: without --target nothing leaves the embedded servers', () => {
    expect(parseDemoArgs([], folder).options.target).toBeUndefined();
  });
});
