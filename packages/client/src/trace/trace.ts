/**
 * One line of a request's decision trace: what a layer decided about this request, and when.
 *
 * `layer` is `'client'` for the client's own steps and the policy's name for decisions reported
 * through core's `onDecision` (`'retry'`, `'breaker'`, `'rate-limit'`, `'timeout'`, or a custom
 * policy's). The other fields depend on the entry (see the README's table); all are plain JSON
 * data, so a trace survives `JSON.stringify`.
 */
export interface TraceEntry {
  /** Milliseconds since the request started, on the client's clock. */
  readonly at: number;
  readonly layer: string;
  readonly decision: string;
  readonly [detail: string]: unknown;
}

/** A request's decision trace, in order: `response.trace`, or the `trace` of the error it ended with. */
export type Trace = readonly TraceEntry[];

/** Why the client told the retry not to retry a retryable status. */
export type NotRetriedReason = 'not-repeatable' | 'retry-after-too-long' | 'retry-after-past-deadline';

/**
 * The trace a response, or the error a request ended with, carries when the request was traced
 * (`trace: true`); `undefined` otherwise. Works for errors of any class (an `HttpError`, a
 * breaker's `CircuitOpenError`, a `RequestTimeoutError`, ...).
 */
export function traceOf(value: unknown): Trace | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const trace = (value as { trace?: unknown }).trace;
  return Array.isArray(trace) ? (trace as Trace) : undefined;
}
