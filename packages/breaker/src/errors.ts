import { isRejectedError, RejectedError } from '@sentinel/core';

/**
 * Why a call was refused: `'open'` (the open period is running), `'half-open'` (every probe slot
 * is taken) or `'isolated'` (held open by `isolate()`).
 */
export type RejectingState = 'open' | 'half-open' | 'isolated';

/** The code of {@link CircuitOpenError}. */
export const CIRCUIT_OPEN = 'SENTINEL_CIRCUIT_OPEN';

function messageFor(state: RejectingState, retryAfterMs: number | undefined): string {
  const hint = retryAfterMs === undefined ? '' : `; retry after ${Math.ceil(retryAfterMs)} ms`;
  if (state === 'isolated') return 'circuit breaker is isolated: every call is rejected until isolate() is released';
  if (state === 'half-open') return `circuit breaker is half-open and every probe slot is taken${hint}`;
  return `circuit breaker is open${hint}`;
}

/**
 * The breaker refused to run the call: `fn` was never started. A {@link RejectedError}, so
 * `retryAfterOf(error)` and retry policies read `retryAfterMs`; `state` says why, and an isolated
 * breaker is told apart by `state === 'isolated'` (its `retryAfterMs` is `undefined`).
 *
 * Errors the breaker throws are built **without a stack trace** (see the README, "Errors"):
 * capturing one costs ~5 µs, more than everything else a rejection does. `message`, `code`,
 * `state` and `retryAfterMs` are all there; `stack` is `name: message` plus a line saying no
 * trace was captured. `new CircuitOpenError(...)` in your own code builds a normal error.
 */
export class CircuitOpenError extends RejectedError<typeof CIRCUIT_OPEN> {
  /** Why the call was refused. */
  readonly state: RejectingState;

  constructor(state: RejectingState, retryAfterMs?: number) {
    super(CIRCUIT_OPEN, messageFor(state, retryAfterMs), { retryAfterMs });
    this.state = state;
  }
}

// Name on the prototype (survives minifiers), like core's errors.
Object.defineProperty(CircuitOpenError.prototype, 'name', {
  value: 'CircuitOpenError',
  writable: true,
  configurable: true,
});

// Only errors made by `rejection()` lack own `message` and `stack`; these prototype accessors
// fill in for them. Errors built with `new` carry their own and never reach these.
Object.defineProperty(CircuitOpenError.prototype, 'message', {
  get(this: CircuitOpenError): string {
    return messageFor(this.state, this.retryAfterMs);
  },
  set(this: CircuitOpenError, value: unknown) {
    Object.defineProperty(this, 'message', { value, writable: true, configurable: true });
  },
  configurable: true,
});
Object.defineProperty(CircuitOpenError.prototype, 'stack', {
  get(this: CircuitOpenError): string {
    return `${this.name}: ${this.message}\n    at <circuit breaker: no stack trace captured for fast rejections>`;
  },
  set(this: CircuitOpenError, value: unknown) {
    Object.defineProperty(this, 'stack', { value, writable: true, configurable: true });
  },
  configurable: true,
});

interface Fields {
  code: typeof CIRCUIT_OPEN;
  retryAfterMs: number | undefined;
  state: RejectingState;
}

/**
 * A {@link CircuitOpenError} without the cost of `Error` construction (~0.4 µs even with
 * `Error.stackTraceLimit = 0`, ~5 µs with a stack): a plain object on the class's prototype,
 * so `instanceof`, the brands, `name`, `message` and `retryAfterOf` all work. Internal.
 */
export function rejection(state: RejectingState, retryAfterMs: number | undefined): CircuitOpenError {
  const error = Object.create(CircuitOpenError.prototype) as Fields;
  error.code = CIRCUIT_OPEN;
  error.retryAfterMs = retryAfterMs;
  error.state = state;
  return error as unknown as CircuitOpenError;
}

/**
 * True for a {@link CircuitOpenError} from any installed copy of this package: it checks core's
 * registry-symbol brand and the code, never `instanceof`.
 */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return isRejectedError(error) && error.code === CIRCUIT_OPEN;
}
