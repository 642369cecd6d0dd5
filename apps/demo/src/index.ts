import { runDemo } from './demo.ts';

const report = await runDemo();
const pct = (n: number) => `${((100 * n) / report.requests).toFixed(1)} %`;
const lines = [
  `HTTP Sentinel demo: ${report.workers} workers, each with its own client (retry → breaker → shared rate limit → timeouts),`,
  `against a seeded chaos server at ${report.origin} (12 % 503, 3 % resets before headers, 2 % 429 with Retry-After: 1)`,
  '',
  `requests   ${report.requests}: ${report.succeeded} succeeded (${pct(report.succeeded)}), failures after retries: ${JSON.stringify(report.failures)}`,
  `attempts   ${report.attempts} sent by the clients, ${report.serverRequests} seen by the server`,
  `writes     ${report.unkeyedPosts} POSTs without a key: ${report.unkeyedPostsSeenTwice} seen twice by the server; ${report.keyedPosts} POSTs with a key, up to ${report.maxAttemptsPerKey} attempts each`,
  `latency    p50 ${report.latencyMs.p50.toFixed(1)} ms, p99 ${report.latencyMs.p99.toFixed(1)} ms, max ${report.latencyMs.max.toFixed(1)} ms; ${(report.elapsedMs / 1000).toFixed(2)} s in all`,
  '',
  ...Object.entries(report.checks).map(([check, ok]) => `${ok ? 'ok  ' : 'FAIL'} ${check}`),
];
console.log(lines.join('\n'));
process.exitCode = Object.values(report.checks).every(Boolean) ? 0 : 1;
