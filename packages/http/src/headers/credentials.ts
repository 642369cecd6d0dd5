import { type HeadersInit, headerEntries } from './headers.ts';

/**
 * Headers that carry credentials, lower-case. A redirect to another origin must not take them
 * along (RFC 9110 §15.4, fetch's "CORS-unsafe request-header" rules).
 */
export const CREDENTIAL_HEADERS: readonly string[] = Object.freeze(['authorization', 'cookie', 'proxy-authorization']);

/**
 * Whether header `name` (any letter case) carries credentials: one of {@link CREDENTIAL_HEADERS}
 * or of the caller's own `sensitive` names (compared case-insensitively).
 */
export function isCredentialHeader(name: string, sensitive: readonly string[] = []): boolean {
  const lower = name.toLowerCase();
  return CREDENTIAL_HEADERS.includes(lower) || sensitive.some((s) => s.toLowerCase() === lower);
}

/**
 * `headers` without the fields named in `names` (case-insensitive), as lower-case
 * `[name, value]` pairs. Accepts every header shape (object, pairs, `Headers`, `Map`); returning
 * one shape means no caller can forget a case.
 */
export function withoutHeaders(headers: HeadersInit | undefined, names: readonly string[]): [string, string][] {
  const drop = new Set(names.map((n) => n.toLowerCase()));
  return headerEntries(headers).filter(([name]) => !drop.has(name));
}

/**
 * `headers` without any credential: {@link CREDENTIAL_HEADERS} plus `sensitive`. Returns
 * lower-case `[name, value]` pairs.
 */
export function stripCredentials(
  headers: HeadersInit | undefined,
  sensitive: readonly string[] = [],
): [string, string][] {
  return withoutHeaders(headers, [...CREDENTIAL_HEADERS, ...sensitive]);
}
