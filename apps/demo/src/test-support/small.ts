import type { DemoOptions } from '../run-demo.ts';

/** The demo at a test's size: every phase, a few seconds in all. */
export const SMALL: Omit<DemoOptions, 'signal' | 'onUpdate'> = {
  phases: ['scraper', 'gateway', 'load'],
  seed: 21,
  failureRate: 0.1,
  scraper: { workers: 4, urls: 200, pagesPerSecond: 2_000 },
  gateway: {
    workers: 6,
    callers: 12,
    maxQueue: 8,
    durationMs: 6_000,
    outageMs: 2_000,
    burstMs: 500,
    requestsPerSecond: 1_000,
    thinkMs: { min: 20, max: 60 },
  },
  load: { workers: 8, requestsPerWorker: 10 },
};
