import { type ExecuteOptions, type ExecutionContext, markNonRetryable, type Policy, pipeline } from '@sentinel/core';
import { Agent, type Dispatcher, interceptors } from 'undici';
import { ClientClosedError, InvalidRequestError } from '../errors.ts';
import { HedgedPipelines, hedgeFor } from '../policies/hedging.ts';
import { penalizerOf } from '../policies/hints.ts';
import { resolveUrl } from '../request/prepare.ts';
import type { ClientResponse } from '../response/response.ts';
import { RequestTrace } from '../trace/request-trace.ts';
import type { Exchange } from '../transport/transport.ts';
import { requestsObserved } from './diagnostics.ts';
import { encodeBody } from './encode-body.ts';
import type { ClientOptions, RequestOptions } from './options.ts';
import {
  checkRequestOptions,
  isLiteralOrigin,
  type PreparedExchange,
  prepareExchange,
  type Target,
  target,
} from './prepare-exchange.ts';
import { rejectStatus } from './reject-status.ts';
import { type ResolvedClientOptions, resolveClientOptions } from './resolve-options.ts';
import { RequestRun } from './run-request.ts';
import { settleFailure } from './settle-failure.ts';
import { type ClientStatus, Counters, clientStatus } from './status.ts';

/** A resilient HTTP client; see {@link createClient}. */
export interface Client {
  get(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  head(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  options(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  delete(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  post(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  put(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  patch(url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  request(method: string, url: string | URL, options?: RequestOptions): Promise<ClientResponse>;
  /** Counters, breakers, limiter and pool statistics. */
  status(): ClientStatus;
  /** Rejects new requests, aborts those in flight, closes the dispatcher the client created. Idempotent. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

// The options of a request given none: shared, so such a request allocates no options object.
const NO_OPTIONS: RequestOptions = Object.freeze({});
// The context of the one attempt of a client without policies: nothing reads its signal (the
// caller's goes to undici as it is), so no context is made per request.
const ONLY_ATTEMPT = Object.freeze({ attempt: 1 }) as ExecutionContext;
const URL_CACHE_SIZE = 128;

class SentinelClient implements Client {
  readonly #o: ResolvedClientOptions;
  #dispatcher: Dispatcher | undefined;
  #viaDns: Dispatcher | undefined;
  #owned = false;
  #closed = false;
  #closing: Promise<void> | undefined;
  // Created on first use: a client that never sends costs as little heap as possible.
  #counters: Counters | undefined;
  readonly #penalize: ((ms: number) => void) | undefined;
  #static: Policy | undefined;
  #perBreaker: WeakMap<Policy, Policy> | undefined;
  #hedged: HedgedPipelines | undefined;
  #flatDefaultsCache: string[] | undefined;
  #urls: Map<string, Target> | undefined;
  readonly #isClosed = (): boolean => this.#closed;
  // No retry, breaker, limiter or policies: requests skip the (empty) pipeline.
  readonly #bare: boolean;

  constructor(options: ResolvedClientOptions) {
    this.#o = options;
    this.#dispatcher = options.dispatcher;
    this.#penalize = penalizerOf(options.rateLimit);
    this.#bare =
      options.retry === undefined &&
      options.breakers === undefined &&
      options.rateLimit === undefined &&
      options.policies.length === 0;
  }

  // core's pipeline() gives the seed's order: retry → breaker → rate limit → policies. One per
  // breaker object, cached weakly: a group that evicts and recreates a breaker gets a new one.
  #pipelineFor(breaker: Policy | undefined): Policy {
    const o = this.#o;
    if (breaker === undefined) return pipeline({ retry: o.retry, rateLimit: o.rateLimit, policies: o.policies });
    let composed = this.#perBreaker?.get(breaker);
    if (composed === undefined) {
      composed = pipeline({ retry: o.retry, breaker, rateLimit: o.rateLimit, policies: o.policies });
      this.#perBreaker ??= new WeakMap();
      this.#perBreaker.set(breaker, composed);
    }
    return composed;
  }

  #getDispatcher(origin: string): Dispatcher {
    if (this.#dispatcher === undefined) {
      const o = this.#o;
      const agent = new Agent({
        connections: o.connections,
        pipelining: o.pipelining,
        connect: { timeout: o.timeouts.connectMs },
      });
      this.#dispatcher = agent;
      if (o.dnsCache) this.#viaDns = agent.compose(interceptors.dns());
      this.#owned = true;
    }
    // undici's DNS cache only for host names: an IP literal has nothing to resolve, and the
    // composed dispatcher costs a few µs per request (it parses the origin every time).
    if (this.#viaDns === undefined || isLiteralOrigin(origin)) return this.#dispatcher;
    return this.#viaDns;
  }

  // The default headers flattened for undici once, shared by every request that adds none.
  get #flatDefaults(): string[] {
    this.#flatDefaultsCache ??= this.#o.headers.flat();
    return this.#flatDefaultsCache;
  }

  // Most clients call a handful of paths over and over: parse each once. Only string inputs
  // without a query object are cached (the URL is then never mutated), in a bounded map.
  #resolve(url: string | URL, query: RequestOptions['query']): Target {
    const o = this.#o;
    if (typeof url !== 'string' || query !== undefined)
      return target(resolveUrl(o.baseUrl, url, o.allowAbsoluteUrls, query));
    this.#urls ??= new Map();
    let resolved = this.#urls.get(url);
    if (resolved === undefined) {
      resolved = target(resolveUrl(o.baseUrl, url, o.allowAbsoluteUrls));
      if (this.#urls.size >= URL_CACHE_SIZE) this.#urls.clear();
      this.#urls.set(url, resolved);
    }
    return resolved;
  }

  get counters(): Counters {
    this.#counters ??= new Counters();
    return this.#counters;
  }

  get = (url: string | URL, options?: RequestOptions) => this.request('GET', url, options);
  head = (url: string | URL, options?: RequestOptions) => this.request('HEAD', url, options);
  options = (url: string | URL, options?: RequestOptions) => this.request('OPTIONS', url, options);
  delete = (url: string | URL, options?: RequestOptions) => this.request('DELETE', url, options);
  post = (url: string | URL, options?: RequestOptions) => this.request('POST', url, options);
  put = (url: string | URL, options?: RequestOptions) => this.request('PUT', url, options);
  patch = (url: string | URL, options?: RequestOptions) => this.request('PATCH', url, options);

  request(method: string, url: string | URL, init: RequestOptions = NO_OPTIONS): Promise<ClientResponse> {
    if (this.#closed) return Promise.reject(new ClientClosedError());
    const body = (init as RequestOptions | null)?.body;
    if (body instanceof FormData || body instanceof Blob) {
      return encodeBody(init, body).then((encoded) => this.request(method, url, encoded));
    }
    const counters = this.counters;
    counters.requests++;
    const o = this.#o;
    let exchange: Exchange;
    let repeatable: boolean;
    let throwOnHttpError: boolean;
    let hedge: Policy | undefined;
    const start = o.clock.now();
    try {
      ({ exchange, repeatable, throwOnHttpError } = this.#prepare(method, url, init, start));
      hedge = hedgeFor(init.hedge, repeatable, o.hedge);
    } catch (error) {
      counters.fail(error);
      return Promise.reject(error);
    }
    const caller = init.signal;
    if (caller?.aborted) return Promise.reject(caller.reason);
    // Nothing is recorded (no RequestTrace, no decision listener) unless the caller asked for the
    // trace or someone follows requests on diagnostics_channel.
    const keep = init.trace ?? o.trace;
    const trace = keep || requestsObserved() ? new RequestTrace(exchange, start, keep) : undefined;
    counters.inFlight++;
    // No controller, timer or listener per request: the caller's signal goes to undici as it is,
    // and the total deadline is checked where time passes (see transport). Contexts made by
    // policies are read only when `policies` are given (a timeout there must abort the request).
    const run = new RequestRun({
      exchange,
      repeatable,
      counters,
      penalize: this.#penalize,
      maxRetryAfterMs: o.maxRetryAfterMs,
      wallClock: o.wallClock,
      isClosed: this.#isClosed,
      signal: caller,
      // A hedged request's attempts read their signals too: a losing attempt must be aborted.
      readContextSignal: o.policies.length > 0 || hedge !== undefined,
      start,
      trace,
      noteAttempts: hedge !== undefined && trace !== undefined,
    });
    let policy: Policy | undefined;
    try {
      if (hedge === undefined && this.#bare) policy = undefined;
      else if (hedge !== undefined) {
        this.#hedged ??= new HedgedPipelines();
        policy = this.#hedged.get(hedge, o.breakers?.for(exchange.request.origin), o);
      } else if (o.breakers !== undefined) policy = this.#pipelineFor(o.breakers.for(exchange.request.origin));
      else {
        this.#static ??= this.#pipelineFor(undefined);
        policy = this.#static;
      }
    } catch (error) {
      // A breaker factory or group that throws (or returns no policy) fails this call, not the process.
      run.finish();
      counters.fail(error);
      trace?.end(undefined, error, 0);
      return Promise.reject(error);
    }
    let attempted: Promise<ClientResponse>;
    if (policy === undefined) attempted = run.attempt(ONLY_ATTEMPT);
    else {
      // No options at all when there is nothing to pass: policies then take their cheapest path
      // (a retry makes a plain scope with no parent to watch or unlink from).
      const root: ExecuteOptions | undefined =
        trace !== undefined
          ? { signal: caller, onDecision: trace.onDecision }
          : caller === undefined
            ? undefined
            : { signal: caller };
      attempted = policy.execute(run.attempt, root);
    }
    return attempted.then(
      (response) => {
        if (throwOnHttpError && response.status >= 400) {
          return rejectStatus(response, exchange.request.method, run, counters, trace);
        }
        const body = response.body;
        if (body === null || body.destroyed) run.finish();
        else body.once('close', () => run.finish());
        trace?.end(response, undefined, run.attempts);
        return response;
      },
      (error: unknown) => settleFailure(error, run, throwOnHttpError, counters, trace),
    );
  }

  #prepare(method: string, url: string | URL, init: RequestOptions, now: number): PreparedExchange {
    if (typeof method !== 'string') throw new InvalidRequestError('method', 'the method must be a string');
    if (init !== NO_OPTIONS) checkRequestOptions(init);
    const resolved = this.#resolve(url, init.query);
    return prepareExchange(
      this.#o,
      method,
      init,
      resolved,
      this.#getDispatcher(resolved.origin),
      this.#flatDefaults,
      now,
    );
  }

  status(): ClientStatus {
    const o = this.#o;
    return clientStatus(this.counters, o.breakers, o.rateLimit, this.#dispatcher, this.#closed);
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true;
      // destroy, not close: requests in flight end now (with ClientClosedError) instead of
      // holding close() until a hanging server times out.
      if (this.#owned && this.#dispatcher !== undefined) {
        await this.#dispatcher.destroy(markNonRetryable(new ClientClosedError()));
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Creates a resilient HTTP client on undici. Policies are any `Policy` values, composed
 * retry → hedge (requests that may be repeated) → breaker (per origin) → rate limiter →
 * `policies` → transport; the transport makes them
 * HTTP-correct (see the README: retryable statuses become failures carrying Retry-After, other
 * statuses never trip a breaker, requests that must not be repeated are marked non-retryable).
 *
 * @throws ConfigError for an invalid option.
 */
export function createClient(options?: ClientOptions): Client {
  return new SentinelClient(resolveClientOptions(options));
}
