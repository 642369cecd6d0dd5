import { createResilientPool } from 'http-sentinel';

export async function scrape(urls: Iterable<string>) {
  await using pool = await createResilientPool({ preset: 'production', workers: 8, throwOnHttpError: false });
  const pages: { url: string; status: number; bytes: number }[] = [];
  for await (const result of pool.map(urls, async (url, { client }, { signal }) => {
    const response = await client.get(url, { signal });
    return { url, status: response.status, bytes: (await response.bytes()).byteLength };
  })) {
    if (result.ok) pages.push(result.value);
  }
  return pages;
}
