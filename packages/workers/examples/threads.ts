// threads.ts: a scraper whose parsing runs on 2 threads, at most 100 requests/s in total.
import { sharedTokenBucket } from '@sentinel/ratelimit';
import { createThreadPool } from '@sentinel/workers';
import type * as Handlers from './threads-handlers.ts';

export async function fingerprintAll(baseUrl: string, paths: Iterable<string>) {
  const rateLimit = sharedTokenBucket({ capacity: 10, refillPerSecond: 100 });
  await using pool = await createThreadPool<typeof Handlers>({
    module: new URL('./threads-handlers.ts', import.meta.url),
    threads: 2,
    data: { baseUrl, rateLimit: rateLimit.buffer },
  });
  const results = [];
  for await (const result of pool.map('fingerprint', paths, { ordered: true })) {
    results.push(result.ok ? result.value : { path: result.item, error: String(result.error) });
  }
  return results;
}
