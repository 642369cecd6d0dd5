/**
 * A permit to make one call, for integrations that cannot wrap a function in `execute` (an axios
 * interceptor pair, an undici handler): take it before the request, settle it once when the
 * outcome is known. Settling again is a no-op. A half-open probe whose permit is never settled
 * counts as a failed probe after `halfOpenProbeTimeoutMs`, so a lost permit cannot wedge the
 * breaker; a lost closed-state permit simply never counts.
 */
export interface Permit {
  /** Whether this permit is a half-open probe (its outcome decides whether the breaker closes). */
  readonly probe: boolean;
  /**
   * The call returned `value` (optional). The breaker's `isIgnored` / `isFailure` still judge it,
   * so a resolved HTTP 503 can count as a failure.
   */
  success(value?: unknown): void;
  /** The call threw `error`; judged by `isIgnored` / `isFailure` like an `execute` failure. */
  failure(error?: unknown): void;
  /** The call counts neither way (it was cancelled, or its outcome says nothing about health). */
  ignore(): void;
}

/** Internal hook the breaker implements; a symbol keeps it off the public surface. */
export const SETTLE: unique symbol = Symbol('@sentinel/breaker:settle');

export interface PermitOwner {
  [SETTLE](permit: BreakerPermit, ok: boolean, payload: unknown, ignored: boolean): void;
}

/** Also the breaker's own record of a probe started by `execute`. */
export class BreakerPermit implements Permit {
  readonly owner: PermitOwner;
  /** The breaker's generation when taken: an outcome from an older generation is stale. */
  readonly generation: number;
  /** `clock.now()` when taken, or NaN when the call is not timed. */
  readonly start: number;
  readonly probe: boolean;
  settled = false;

  constructor(owner: PermitOwner, generation: number, start: number, probe: boolean) {
    this.owner = owner;
    this.generation = generation;
    this.start = start;
    this.probe = probe;
  }

  success(value?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.owner[SETTLE](this, true, value, false);
  }

  failure(error?: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.owner[SETTLE](this, false, error, false);
  }

  ignore(): void {
    if (this.settled) return;
    this.settled = true;
    this.owner[SETTLE](this, true, undefined, true);
  }
}
