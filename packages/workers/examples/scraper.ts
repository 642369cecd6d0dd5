import { constant, retry } from '@sentinel/backoff';
import { createClient } from '@sentinel/client';
import { createWorkerPool } from '@sentinel/workers';

// The scraper: 8 workers with a client each pull URLs from a lazy source, so a list of millions
// is never held in memory; a failed page is a result, not the end of the run.
export async function scrape(origin: string, pages: number) {
  function* urls() {
    for (let page = 1; page <= pages; page++) yield `/catalogue?page=${page}`;
  }
  await using pool = await createWorkerPool({
    workers: 8,
    setup: () => ({
      client: createClient({ baseUrl: origin, retry: retry({ maxAttempts: 5, backoff: constant(10) }) }),
    }),
  });
  const titles = new Map<number, string>();
  const failures: { url: string; error: unknown }[] = [];
  for await (const result of pool.map(urls(), async (url, { client }, ctx) => {
    const response = await client.get(url, { signal: ctx.signal });
    return ((await response.json()) as { url: string }).url;
  })) {
    if (result.ok) titles.set(result.index, result.value);
    else failures.push({ url: result.item, error: result.error });
  }
  return { titles, failures, stats: pool.stats() };
}
