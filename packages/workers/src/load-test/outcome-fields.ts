/*
 * What a load test reads from a request's outcome. Duck-typed, so a custom `request` returning a
 * fetch Response, an axios response or a ClientResponse is counted the same way.
 */

/** The HTTP status of a response or an HTTP error, when it has one. */
export function statusCodeOf(outcome: unknown): number | undefined {
  const status = (outcome as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'number' && Number.isInteger(status) ? status : undefined;
}

/** Attempts a response or error says it took (`attempts` on Sentinel responses and HTTP errors); 1 otherwise. */
export function attemptsOf(outcome: unknown): number {
  const attempts = (outcome as { attempts?: unknown } | null | undefined)?.attempts;
  return typeof attempts === 'number' && Number.isInteger(attempts) && attempts >= 1 ? attempts : 1;
}

/**
 * A failure's key in the report, the same scheme as `client.status().failures`: the error's
 * `code` (or `name`), with the HTTP status, socket code or timeout phase after a colon:
 * `SENTINEL_HTTP_ERROR:503`, `SENTINEL_NETWORK:ECONNRESET`, `SENTINEL_TIMEOUT:headers`.
 */
export function errorKeyOf(error: unknown): string {
  const e = error as { code?: unknown; name?: unknown; status?: unknown; errorCode?: unknown; phase?: unknown } | null;
  let key =
    typeof e?.code === 'string'
      ? e.code
      : typeof e?.name === 'string'
        ? e.name
        : error === undefined
          ? 'undefined'
          : 'UNKNOWN';
  if (typeof e?.status === 'number') key += `:${e.status}`;
  else if (typeof e?.errorCode === 'string') key += `:${e.errorCode}`;
  else if (typeof e?.phase === 'string') key += `:${e.phase}`;
  return key;
}

/** Adds 1 (or `n`) to `table[key]`. */
export function bump(table: Record<string, number>, key: string, n = 1): void {
  table[key] = (table[key] ?? 0) + n;
}
