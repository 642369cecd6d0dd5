import { type Fault, startChaosServer } from '@sentinel/chaos';
import { isConfigError } from '@sentinel/core';
import { durationFlag, integerFlag, parseFlags, stringFlag, UsageError } from '../args.ts';
import { CHAOS_HELP } from '../help.ts';
import { paint, type Terminal } from '../terminal.ts';
import { interrupted } from './interrupt.ts';

/** A named set of faults for every path, and, for `outage`, a cycle that takes everything down. */
interface Profile {
  readonly summary: string;
  readonly faults: readonly Fault[];
  readonly outage?: { readonly upMs: number; readonly downMs: number };
}

export const PROFILES: Readonly<Record<string, Profile>> = Object.freeze({
  flaky: {
    summary: '10 % 503, 3 % connection resets before headers, 2 % 429 with Retry-After: 1',
    faults: [
      { type: 'status', status: 503, rate: 0.1 },
      { type: 'reset-before-headers', rate: 0.03 },
      { type: 'rate-limit', retryAfter: '1', rate: 0.02 },
    ],
  },
  outage: {
    summary: 'healthy for 7 s, then every path answers 503 for 3 s, over and over',
    faults: [],
    outage: { upMs: 7_000, downMs: 3_000 },
  },
  slow: {
    summary: 'every answer after an exponential latency (mean 150 ms); 5 % stream a 16 KiB body at 8 KiB/s',
    faults: [
      { type: 'slow-body', size: 16_384, bytesPerSecond: 8_192, rate: 0.05 },
      { type: 'echo', latencyMs: { mean: 150 } },
    ],
  },
  'rate-limited': {
    summary: '25 % 429 with Retry-After: 1 and RateLimit headers (limit 50, remaining 0, reset 1 s)',
    faults: [
      {
        type: 'rate-limit',
        retryAfter: '1',
        rateLimit: { limit: 50, remaining: 0, resetSeconds: 1 },
        rate: 0.25,
      },
    ],
  },
});

/** Keys whose values stay strings (sent verbatim) rather than being read as numbers. */
const STRING_KEYS = new Set(['retryAfter', 'location', 'body']);

/**
 * `--fault TYPE[,key=value...]`: TYPE is a fault type of @sentinel/chaos or a bare status code
 * (`503,rate=0.1`); `latencyMs=MIN-MAX` is a uniform range; `encodings=gzip+br` a list.
 */
export function parseFault(spec: string): Fault {
  const [head = '', ...pairs] = spec.split(',').map((part) => part.trim());
  const fault: Record<string, unknown> = /^\d{3}$/.test(head)
    ? { type: 'status', status: Number(head) }
    : { type: head };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--fault "${spec}": "${pair}" is not key=value`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const range = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(raw);
    if (key === 'latencyMs' && range !== null) fault[key] = { min: Number(range[1]), max: Number(range[2]) };
    else if (key === 'encodings') fault[key] = raw.split('+');
    else if (!STRING_KEYS.has(key) && raw !== '' && Number.isFinite(Number(raw))) fault[key] = Number(raw);
    else if (raw === 'true' || raw === 'false') fault[key] = raw === 'true';
    else fault[key] = raw;
  }
  return fault as unknown as Fault;
}

/** `http-sentinel chaos`: a fault-injecting server on 127.0.0.1 until Ctrl-C. */
export async function chaosCommand(args: readonly string[], term: Terminal): Promise<number> {
  const parsed = parseFlags('chaos', args, {
    port: { type: 'string', short: 'p' },
    seed: { type: 'string' },
    profile: { type: 'string' },
    fault: { type: 'string', multiple: true },
    outage: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed.values.help === true) {
    term.out.write(CHAOS_HELP);
    return 0;
  }
  if (parsed.positionals.length > 0) throw new UsageError(`chaos takes no arguments; got "${parsed.positionals[0]}"`);
  const port = integerFlag('--port', stringFlag(parsed, 'port'), 0, 65_535) ?? 0;
  const seed = integerFlag('--seed', stringFlag(parsed, 'seed'), 0, 2 ** 32 - 1) ?? 1;
  const profileName = stringFlag(parsed, 'profile');
  const profile = profileName === undefined ? undefined : PROFILES[profileName];
  if (profileName !== undefined && profile === undefined) {
    throw new UsageError(`unknown --profile "${profileName}"; one of ${Object.keys(PROFILES).join(', ')}`);
  }
  const extra = ((parsed.values.fault as string[] | undefined) ?? []).map(parseFault);
  const outageFlag = stringFlag(parsed, 'outage');
  let cycle = profile?.outage;
  if (outageFlag !== undefined) {
    const [down, every] = outageFlag.split('/');
    const downMs = durationFlag('--outage (the part before /)', down);
    const everyMs = durationFlag('--outage (the part after /)', every);
    if (downMs === undefined || everyMs === undefined || downMs >= everyMs) {
      throw new UsageError(
        `--outage must be DOWN/EVERY with DOWN shorter than EVERY, such as 3s/10s; got "${outageFlag}"`,
      );
    }
    cycle = { upMs: everyMs - downMs, downMs };
  }
  const faults = [...extra, ...(profile?.faults ?? [])];

  let server: Awaited<ReturnType<typeof startChaosServer>>;
  try {
    server = await startChaosServer({ port, seed, faults });
  } catch (error) {
    if (isConfigError(error)) {
      // The chaos package names faults by index ("faults[0].status"); the user wrote --fault flags.
      throw new UsageError(`bad --fault: ${error.message.replace(/^startChaosServer: /, '')}`);
    }
    if ((error as { code?: string }).code === 'EADDRINUSE') throw new UsageError(`--port ${port} is already in use`);
    throw error;
  }

  term.out.write(`${server.url}\n`);
  const described = [
    ...(profileName === undefined ? [] : [`profile ${profileName}: ${profile?.summary}`]),
    ...extra.map((f) => `fault ${JSON.stringify(f)}`),
    ...(cycle === undefined
      ? []
      : [
          `outage: every path answers 503 for ${cycle.downMs / 1000} s in every ${(cycle.upMs + cycle.downMs) / 1000} s`,
        ]),
  ];
  term.err.write(
    `${paint(term, 'bold', 'chaos server')} on ${server.url} (seed ${seed}); ${described.length === 0 ? 'no faults: every request is echoed' : described.join('; ')}\n` +
      `every path answers; Ctrl-C to stop\n`,
  );

  const stop = new AbortController();
  if (cycle !== undefined) {
    const { upMs, downMs } = cycle;
    void (async () => {
      try {
        for (;;) {
          await term.clock.sleep(upMs, stop.signal);
          server.setFaults([{ type: 'status', status: 503 }, ...faults]);
          term.err.write(`${paint(term, 'red', 'outage')}: every path answers 503 for ${downMs / 1000} s\n`);
          await term.clock.sleep(downMs, stop.signal);
          server.setFaults(faults);
          term.err.write(`${paint(term, 'green', 'recovered')}\n`);
        }
      } catch {
        // Aborted on shutdown.
      }
    })();
  }

  await interrupted();
  stop.abort();
  const stats = server.stats();
  await server.close();
  term.err.write(
    `\nchaos server stopped after ${stats.requests} requests over ${stats.connections} connections; faults: ${JSON.stringify(stats.faults)}\n`,
  );
  return 0;
}
