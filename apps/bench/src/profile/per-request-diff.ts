/**
 * Compares two CPU profiles (`node --cpu-prof`) of HTTP drivers per request, by function.
 *
 *   node --import tsx apps/bench/src/profile/per-request-diff.ts \
 *     base.cpuprofile <from s> <to s> other.cpuprofile <from s> <to s> [rows]
 *
 * Throughput ratios on these shared 2-core VMs swing by ±20 % between identical runs; CPU
 * profiles are steadier, but two profiles still cover different numbers of requests. Both
 * drivers write each request to its socket once, so each profile's self time is divided by its
 * own `writeLatin1String` time in the window: the rows are "cost per request" in units of one
 * socket write, comparable across the two processes without knowing their request counts. The
 * windows (seconds from the process's start) should cover the steady, warmed part of each run.
 *
 * Prints the busy (non-idle) total of each side and the functions whose share grew the most.
 */
import { readFileSync } from 'node:fs';

interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const PER_REQUEST = 'writeLatin1String :-1';

/** Self time (µs) per function within [fromS, toS] seconds of the profile. */
function selfTimes(file: string, fromS: number, toS: number): Map<string, number> {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const times = new Map<string, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at < fromS * 1e6 || at > toS * 1e6) return;
    const frame = frames.get(id);
    if (frame === undefined) return;
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
    times.set(key, (times.get(key) ?? 0) + delta);
  });
  return times;
}

/** The profile's self times in units of its own per-request socket write. */
function perRequest(times: Map<string, number>, file: string): Map<string, number> {
  const unit = times.get(PER_REQUEST);
  if (unit === undefined || unit === 0) throw new Error(`${file}: no ${PER_REQUEST} in the window`);
  return new Map([...times].map(([key, us]) => [key, us / unit]));
}

const busy = (units: Map<string, number>) =>
  [...units].filter(([key]) => !key.startsWith('(idle)')).reduce((sum, [, value]) => sum + value, 0);

function main(args: readonly string[]): void {
  const [baseFile, baseFrom, baseTo, otherFile, otherFrom, otherTo, rows = '40'] = args;
  if (otherTo === undefined || baseFile === undefined || otherFile === undefined) {
    throw new Error('usage: per-request-diff.ts base.cpuprofile from to other.cpuprofile from to [rows]');
  }
  const base = perRequest(selfTimes(baseFile, Number(baseFrom), Number(baseTo)), baseFile);
  const other = perRequest(selfTimes(otherFile, Number(otherFrom), Number(otherTo)), otherFile);
  console.log(
    `busy per request, in socket writes: base ${busy(base).toFixed(2)}, other ${busy(other).toFixed(2)} ` +
      `(other / base ${(busy(other) / busy(base)).toFixed(2)}×)`,
  );
  const keys = new Set([...base.keys(), ...other.keys()].filter((key) => !key.startsWith('(idle)')));
  const diffs = [...keys]
    .map((key) => ({ key, base: base.get(key) ?? 0, other: other.get(key) ?? 0 }))
    .sort((a, b) => b.other - b.base - (a.other - a.base));
  console.log('| grew by | base | other | function |\n|--:|--:|--:|:--|');
  for (const d of diffs.slice(0, Number(rows))) {
    console.log(`| ${(d.other - d.base).toFixed(3)} | ${d.base.toFixed(3)} | ${d.other.toFixed(3)} | ${d.key} |`);
  }
}

main(process.argv.slice(2));
