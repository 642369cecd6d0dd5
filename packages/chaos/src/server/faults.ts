/*
 * The faults a chaos route can inject. Each is a plain object with a literal `type`, so a test
 * reads as a description of the failure. Every fault also takes the common fields of
 * {@link FaultControls}: how often it fires and for how many requests.
 */

/** A latency before the server starts answering: fixed, uniform in a range, or exponential. */
export type Latency = number | { readonly min: number; readonly max: number } | { readonly mean: number };

/** Fields every fault accepts. */
export interface FaultControls {
  /**
   * How many requests this fault answers before the route moves on to its next fault (and
   * finally to the echo). Counted only when the fault fires.
   * @default Infinity
   */
  readonly times?: number;
  /**
   * Probability in [0, 1] that the fault fires for a request, drawn from the server's seeded
   * random. A request it does not fire for goes to the next fault (or the echo).
   * @default 1
   */
  readonly rate?: number;
  /**
   * Wait before answering (or before the fault acts).
   * @default 0
   */
  readonly latencyMs?: Latency;
}

/** Answers with a fixed status (and optional headers and body). */
export interface StatusFault extends FaultControls {
  readonly type: 'status';
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Answers 429 (or `status`) with `Retry-After` and/or rate-limit headers. */
export interface RateLimitFault extends FaultControls {
  readonly type: 'rate-limit';
  /** @default 429 */
  readonly status?: number;
  /** Sent verbatim as `Retry-After` (`'2'`, `'0x10'`, `'99999999'`, ...). */
  readonly retryAfter?: string;
  /** Sent as `Retry-After` in HTTP-date form: this many ms from the server's wall clock (negative = past). */
  readonly retryAfterDateMs?: number;
  /** Sent as `RateLimit: limit=…, remaining=…, reset=…` (draft 07) and `X-RateLimit-*`. */
  readonly rateLimit?: { readonly limit: number; readonly remaining: number; readonly resetSeconds: number };
}

/** Destroys the socket as soon as the request arrives, before any response byte. */
export interface ResetBeforeHeadersFault extends FaultControls {
  readonly type: 'reset-before-headers';
}

/** Sends headers and `bytes` body bytes of a larger declared body, then destroys the socket. */
export interface ResetMidBodyFault extends FaultControls {
  readonly type: 'reset-mid-body';
  /** @default 16 */
  readonly bytes?: number;
}

/** Never answers; the socket stays open until the client gives up or the server closes. */
export interface HangFault extends FaultControls {
  readonly type: 'hang';
}

/** Sends a body of `size` bytes at `bytesPerSecond`, in chunks of at most 1 KiB. */
export interface SlowBodyFault extends FaultControls {
  readonly type: 'slow-body';
  readonly size: number;
  readonly bytesPerSecond: number;
}

/** Declares `Content-Length: declared` but sends only `sent` bytes, then ends the socket. */
export interface TruncatedBodyFault extends FaultControls {
  readonly type: 'truncated-body';
  readonly declared: number;
  readonly sent: number;
}

/** Sends a body of `size` bytes (with a correct Content-Length unless `chunked`). */
export interface OversizedBodyFault extends FaultControls {
  readonly type: 'oversized-body';
  readonly size: number;
  /** Omit Content-Length and send chunked, so only counting the bytes can stop it. */
  readonly chunked?: boolean;
}

/**
 * Sends `size` zero bytes compressed with `encodings` (applied in order, listed in
 * `Content-Encoding` in the same order). A gzip bomb is `{ size: 1 << 30 }`: a few MB on the wire.
 */
export interface CompressedFault extends FaultControls {
  readonly type: 'compressed';
  readonly size: number;
  /** @default ['gzip'] */
  readonly encodings?: readonly ('gzip' | 'deflate' | 'br')[];
}

/**
 * Redirects to `location` (a path on this server or an absolute URL, e.g. a second server). With
 * `hops`, first redirects to the same path `hops - 1` times (`?hop=1`, `?hop=2`, ...), making a
 * chain. A route redirecting to itself is a loop.
 */
export interface RedirectFault extends FaultControls {
  readonly type: 'redirect';
  readonly location: string;
  /** @default 302 */
  readonly status?: number;
  /** @default 1 */
  readonly hops?: number;
}

/** Answers 200 with a JSON description of the request it received (the default for every route). */
export interface EchoFault extends FaultControls {
  readonly type: 'echo';
  /** @default 200 */
  readonly status?: number;
}

/** Every fault a route can inject. */
export type Fault =
  | StatusFault
  | RateLimitFault
  | ResetBeforeHeadersFault
  | ResetMidBodyFault
  | HangFault
  | SlowBodyFault
  | TruncatedBodyFault
  | OversizedBodyFault
  | CompressedFault
  | RedirectFault
  | EchoFault;

/** The JSON body of the echo: what the server received. */
export interface EchoBody {
  readonly method: string;
  /** Path and query as received. */
  readonly url: string;
  /** Raw header pairs as received, names in their original case. */
  readonly headers: [string, string][];
  /** The request body as UTF-8 text. */
  readonly body: string;
  /** The request body's length in bytes. */
  readonly bodyBytes: number;
}
