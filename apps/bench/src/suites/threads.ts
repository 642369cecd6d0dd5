/**
 * `pnpm bench threads`: the thread pool from the built package (dist) on CPU-bound work — gzip of
 * a ~74 KB JSON response body — with 1 and 2 threads, next to piscina used directly and to the
 * same work called on the main thread; then the per-task cost of `pool.run` over a direct call.
 * The goal on these 2-core machines: 2 threads ≥ 1.7× the throughput of 1 thread.
 */
import { availableParallelism, loadavg } from 'node:os';
import { createThreadPool, type ThreadPool } from '@sentinel/workers';
import { Piscina } from 'piscina';
import type { Reporter } from '../harness.ts';
import * as cpu from '../threads/cpu.mjs';

type Cpu = typeof cpu;
const module = new URL('../threads/cpu.mjs', import.meta.url);
const LEVEL = 6;
// Enough calls in flight to keep every thread fed (a task waits queued while another runs).
const CONCURRENCY = 4;

export default async function threadsSuite(report: Reporter): Promise<void> {
  const pools: ThreadPool<Cpu>[] = [];
  const peers: Piscina[] = [];
  const pool = async (threads: number, atomics: 'async' | 'sync' = 'async') => {
    const created = await createThreadPool<Cpu>({ module, threads, atomics });
    pools.push(created);
    return created;
  };
  const piscina = (threads: number) => {
    const created = new Piscina({ filename: module.href, minThreads: threads, maxThreads: threads, idleTimeout: 1e9 });
    peers.push(created);
    return created;
  };
  try {
    const [one, two] = [await pool(1), await pool(2)];
    const [peerOne, peerTwo] = [piscina(1), piscina(2)];
    const state = cpu.setup();
    const timings = await report.interleaved(
      `gzip of a ${(state.body.length / 1024).toFixed(0)} KB response body (level ${LEVEL}), ${CONCURRENCY} tasks in flight`,
      { name: 'direct call on the main thread', fn: () => cpu.gzip(LEVEL, state) },
      [
        { name: 'createThreadPool, 1 thread', fn: () => one.run('gzip', LEVEL) },
        { name: 'createThreadPool, 2 threads', fn: () => two.run('gzip', LEVEL) },
        { name: 'piscina 5.3.2 directly, 1 thread', fn: () => peerOne.run(LEVEL, { name: 'gzipTask' }) },
        { name: 'piscina 5.3.2 directly, 2 threads', fn: () => peerTwo.run(LEVEL, { name: 'gzipTask' }) },
      ],
      { rounds: 5, iterations: 40, warmup: 20, concurrency: CONCURRENCY },
    );
    const perCall = (name: string) => timings.find((t) => t.name.startsWith(name))?.medianNs ?? Number.NaN;
    const scaling = perCall('createThreadPool, 1 thread') / perCall('createThreadPool, 2 threads');
    const peerScaling = perCall('piscina 5.3.2 directly, 1 thread') / perCall('piscina 5.3.2 directly, 2 threads');
    console.log(
      `\nthroughput 2 threads / 1 thread: createThreadPool ${scaling.toFixed(2)}× (goal >= 1.7×), ` +
        `piscina ${peerScaling.toFixed(2)}×; load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`,
    );

    const sync = await pool(1, 'sync');
    await report.compare(
      'per-task overhead: a handler that returns its payload, one call at a time',
      {
        name: 'direct call',
        fn: () => cpu.noop(1),
      },
      [
        { name: "pool.run, 1 thread (atomics: 'async', the default)", fn: () => one.run('noop', 1) },
        { name: "pool.run, 1 thread (atomics: 'sync')", fn: () => sync.run('noop', 1) },
        { name: 'piscina.run directly, 1 thread', fn: () => peerOne.run(1, { name: 'noopTask' }) },
      ],
    );
  } finally {
    await Promise.all([...pools.map((p) => p.close()), ...peers.map((p) => p.destroy())]);
  }
}
