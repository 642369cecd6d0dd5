import type { Clock } from '@sentinel/core';
import type { Span } from './gateway-evidence.ts';
import { transientFaults, type Upstream } from './upstream.ts';

/** The `Retry-After` of the catalog upstream's 429s. */
export const RETRY_AFTER_SECONDS = 1;

/** Options of {@link GatewaySchedule}. */
export interface GatewayScheduleOptions {
  readonly clock: Clock;
  /** Clock time the phase began; the schedule's times are fractions of `durationMs` after it. */
  readonly startMs: number;
  readonly durationMs: number;
  readonly outageMs: number;
  readonly burstMs: number;
  /** The upstreams' normal faults, put back after each story. */
  readonly failureRate: number;
  readonly catalog: Upstream;
  readonly payments: Upstream;
  /** Stops the schedule early (Ctrl-C, or the callers are done): the upstreams are put back at once. */
  readonly signal: AbortSignal;
}

/**
 * The gateway's two stories, on embedded upstreams: the payments upstream hangs for `outageMs`
 * from 30 % of the duration, then the catalog upstream answers 429 + `Retry-After` for `burstMs`
 * from 70 % (and at least a second after the outage). Each story's span is kept as it happens.
 */
export class GatewaySchedule {
  readonly #o: GatewayScheduleOptions;
  #outage: Span | undefined;
  #burst: Span | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(options: GatewayScheduleOptions) {
    this.#o = options;
  }

  /** The payments outage: `undefined` before it starts, `to` unset while it lasts. */
  get outage(): Span | undefined {
    return this.#outage;
  }

  /** The catalog's 429 burst: `undefined` before it starts, `to` unset while it lasts. */
  get burst(): Span | undefined {
    return this.#burst;
  }

  /** Starts the schedule; only for embedded upstreams (a `--target` is left alone). */
  start(): void {
    this.#done = this.#run();
  }

  /** Settles once the schedule has ended and the upstreams have their normal faults back. */
  settled(): Promise<void> {
    return this.#done;
  }

  async #run(): Promise<void> {
    const { clock, startMs, catalog, payments } = this.#o;
    const sleepUntil = async (at: number) => {
      const ms = at - clock.now();
      if (ms > 0) await clock.sleep(ms, this.#o.signal);
    };
    const normal = transientFaults(this.#o.failureRate);
    try {
      await sleepUntil(startMs + 0.3 * this.#o.durationMs);
      payments.setFaults([{ type: 'hang' }]);
      const outage: Span = { from: clock.now(), to: undefined };
      this.#outage = outage;
      await sleepUntil(outage.from + this.#o.outageMs);
      payments.setFaults(normal);
      outage.to = clock.now();
      // At 70 %, and at least a second after the outage: the two stories should not overlap.
      await sleepUntil(Math.max(startMs + 0.7 * this.#o.durationMs, outage.to + 1_000));
      catalog.setFaults([{ type: 'rate-limit', retryAfter: String(RETRY_AFTER_SECONDS) }]);
      const burst: Span = { from: clock.now(), to: undefined };
      this.#burst = burst;
      await sleepUntil(burst.from + this.#o.burstMs);
    } catch {
      // Stopped early (Ctrl-C): the upstreams are put back below all the same.
    } finally {
      if (this.#outage !== undefined && this.#outage.to === undefined) {
        payments.setFaults(normal);
        this.#outage.to = clock.now();
      }
      if (this.#burst !== undefined && this.#burst.to === undefined) {
        catalog.setFaults(normal);
        this.#burst.to = clock.now();
      }
    }
  }
}
