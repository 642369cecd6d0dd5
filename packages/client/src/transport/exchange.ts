import type { Readable } from 'node:stream';
import type { Clock } from '@sentinel/core';
import type { Dispatcher } from 'undici';
import type { PreparedRequest } from '../request/prepare.ts';

/** Everything one attempt needs; built once per logical request. */
export interface Exchange {
  readonly request: PreparedRequest;
  readonly dispatcher: Dispatcher;
  readonly clock: Clock;
  readonly connectMs: number;
  readonly headersMs: number;
  readonly bodyIdleMs: number;
  readonly totalMs: number;
  /** Clock time at which the total deadline passes. */
  readonly deadline: number;
  readonly maxResponseBytes: number;
  readonly maxRedirects: number;
  readonly allowHttpsToHttp: boolean;
  readonly sensitiveHeaders: readonly string[];
  readonly stream: boolean;
}

/** The raw outcome of one attempt, before status policy is applied. */
export interface AttemptResult {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly url: string;
  readonly redirects: string[];
  /** Buffered body (buffered mode). */
  readonly buffer: Buffer | undefined;
  /** Decoded body stream (stream mode). */
  readonly stream: Readable | undefined;
  readonly headersAt: number;
  /**
   * Why `buffer` is not the whole body of a retryable status (too large, cut short): the error
   * the caller gets if this response is the last one, instead of a truncated body.
   */
  readonly bodyError?: unknown;
}
