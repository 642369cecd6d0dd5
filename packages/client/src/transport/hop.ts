import { getHeader, resolveRedirect } from '@sentinel/http';
import type { Dispatcher } from 'undici';
import { RedirectError } from '../errors.ts';
import type { PreparedRequest } from '../request/prepare.ts';
import type { Exchange } from './exchange.ts';

// Shared by every response that followed no redirect; frozen, so no caller can add to it.
const NO_REDIRECTS = Object.freeze([]) as unknown as string[];

/** Where an attempt stands in its chain of redirects: what the next hop sends. */
export class Hop {
  readonly #request: PreparedRequest;
  method: string;
  url: URL;
  headers: [string, string][];
  body: PreparedRequest['body'];
  // Made on the first redirect: most requests follow none.
  redirects = NO_REDIRECTS;
  #seen: Set<string> | undefined;

  constructor(request: PreparedRequest) {
    this.#request = request;
    this.method = request.method;
    this.url = request.url;
    this.headers = request.headers;
    this.body = request.body;
  }

  /** Whether this is the first hop (the request as prepared). */
  get first(): boolean {
    return this.redirects === NO_REDIRECTS;
  }

  /** undici's options for this hop; the first reuses the request's precomputed origin, path and headers. */
  options(
    signal: AbortSignal | undefined,
    headersTimeout: number,
    bodyTimeout: number,
  ): Dispatcher.RequestOptions & Dispatcher.DispatchOptions {
    const request = this.#request;
    const first = this.url === request.url;
    return {
      origin: first ? request.origin : this.url.origin,
      path: first ? request.path : `${this.url.pathname}${this.url.search}`,
      method: this.method as Dispatcher.HttpMethod,
      headers: this.headers === request.headers ? flatOf(request) : flat(this.headers),
      body: this.body as Exclude<Dispatcher.DispatchOptions['body'], undefined>,
      signal,
      headersTimeout,
      bodyTimeout,
    } as Dispatcher.RequestOptions & Dispatcher.DispatchOptions;
  }

  /**
   * Moves to the hop a redirect response points to, or throws the {@link RedirectError} that
   * says why it is not followed (too many, a loop, a body that cannot be sent again, a refused
   * downgrade or location).
   */
  follow(exchange: Exchange, status: number, headers: Record<string, string | string[]>): void {
    const href = this.url.href;
    if (this.redirects.length >= exchange.maxRedirects) throw new RedirectError('too-many-redirects', href);
    const decision = resolveRedirect({
      status,
      method: this.method,
      url: this.url,
      location: getHeader(headers, 'location'),
      headers: this.headers,
      sensitiveHeaders: exchange.sensitiveHeaders,
      allowHttpsToHttp: exchange.allowHttpsToHttp,
    });
    if (!decision.follow) {
      if (decision.reason === 'not-a-redirect') throw new RedirectError('invalid-location', href);
      throw new RedirectError(decision.reason, href);
    }
    if (decision.keepBody && this.body !== null && !this.#request.replayable) {
      throw new RedirectError('body-not-replayable', href);
    }
    const key = `${decision.method} ${decision.url.href}`;
    this.#seen ??= new Set();
    if (this.#seen.has(key) || decision.url.href === href) throw new RedirectError('redirect-loop', href);
    this.#seen.add(key);
    if (this.redirects === NO_REDIRECTS) this.redirects = [];
    this.redirects.push(decision.url.href);
    this.method = decision.method;
    this.url = decision.url;
    this.headers = decision.headers;
    if (!decision.keepBody) this.body = null;
  }
}

// The request's own headers, flattened for undici once per request, not once per attempt.
function flatOf(request: PreparedRequest): string[] {
  if (request.flatHeaders === undefined) request.flatHeaders = flat(request.headers);
  return request.flatHeaders;
}

function flat(headers: readonly [string, string][]): string[] {
  const out: string[] = [];
  for (const [name, value] of headers) out.push(name, value);
  return out;
}
