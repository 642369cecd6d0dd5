type Closeable = {
  [Symbol.asyncDispose]?: () => unknown;
  [Symbol.dispose]?: () => unknown;
  close?: () => unknown;
};

function closerOf(value: unknown): (() => unknown) | undefined {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return undefined;
  const v = value as Closeable;
  if (typeof v[Symbol.asyncDispose] === 'function') return () => v[Symbol.asyncDispose]?.();
  if (typeof v[Symbol.dispose] === 'function') return () => v[Symbol.dispose]?.();
  if (typeof v.close === 'function') return () => v.close?.();
  return undefined;
}

/**
 * The default teardown: closes the worker's state itself when it can be closed (a client
 * returned as is), otherwise every own property that can (`{ client, db }`), one level deep, in
 * parallel. Rejects with the first failure after all have been tried.
 */
export async function closeResources(worker: unknown): Promise<void> {
  const own = closerOf(worker);
  if (own !== undefined) {
    await own();
    return;
  }
  if (typeof worker !== 'object' || worker === null) return;
  const closers: (() => unknown)[] = [];
  for (const value of Object.values(worker)) {
    const close = closerOf(value);
    if (close !== undefined) closers.push(close);
  }
  const results = await Promise.allSettled(closers.map(async (close) => close()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
  if (failed !== undefined) throw failed.reason;
}

/**
 * The worker's own report for `stats()`: `client.status()` when the state holds a client, or the
 * state's own `status()`; `null` when it has neither. A `status()` that throws is reported as
 * `{ error }` rather than breaking `stats()`.
 */
export function statusOf(worker: unknown): unknown {
  if ((typeof worker !== 'object' && typeof worker !== 'function') || worker === null) return null;
  const client = (worker as { client?: { status?: unknown } }).client;
  const owner =
    typeof client?.status === 'function' ? client : (worker as { status?: unknown }).status ? worker : undefined;
  const status = (owner as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'function') return null;
  try {
    return status.call(owner) ?? null;
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}
