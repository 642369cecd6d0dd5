import { type Clock, type Decision, isSentinelError } from '@sentinel/core';
import {
  decisionChannel,
  type EndMessage,
  endChannel,
  type RequestInfo,
  requestInfo,
  startChannel,
} from '../client/diagnostics.ts';
import { failureKey } from '../client/status.ts';
import type { ClientResponse } from '../response/response.ts';
import type { Exchange } from '../transport/transport.ts';
import type { TraceEntry } from './trace.ts';

/**
 * Follows one logical request when it is traced (`trace: true`) or observed through
 * diagnostics_channel: collects its decision trace (the client's own steps and what every policy
 * reported through core's `onDecision`) and publishes start, decisions and end. A request that
 * is neither has no RequestTrace at all, so tracing off costs nothing.
 */
export class RequestTrace {
  readonly info: RequestInfo;
  /** The entries, when the caller asked for the trace. */
  readonly entries: TraceEntry[] | undefined;
  readonly #clock: Clock;
  readonly #start: number;
  // The trace the caller holds ends with the end entry: what settles later (a hedge's aborted
  // loser failing) is the abort already recorded, not news, and must not grow a returned trace.
  #ended = false;

  constructor(exchange: Exchange, start: number, keep: boolean) {
    this.info = requestInfo(exchange);
    this.entries = keep ? [] : undefined;
    this.#clock = exchange.clock;
    this.#start = start;
    if (startChannel.hasSubscribers) startChannel.publish({ request: this.info });
  }

  /**
   * Core's per-call listener: every policy of the pipeline reports here. Policy decisions are
   * kept (when traced) and published on `sentinel:client:decision`; the client's own steps are
   * already published as request/response/error/end messages, so they are only kept.
   */
  readonly onDecision = (decision: Decision): void => {
    const publish = decisionChannel.hasSubscribers;
    if (this.entries === undefined && !publish) return;
    const entry: TraceEntry = { at: this.#clock.now() - this.#start, ...decision };
    if (!this.#ended) this.entries?.push(entry);
    if (publish) decisionChannel.publish({ request: this.info, entry });
  };

  /** Whether entries are kept (the caller asked for the trace): build the client's own only then. */
  get keeps(): boolean {
    return this.entries !== undefined;
  }

  /** Appends one of the client's own entries, stamped with the time since the request started. */
  add(fields: Decision): void {
    if (!this.#ended) this.entries?.push({ at: this.#clock.now() - this.#start, ...fields });
  }

  /**
   * The request ends with `response` or `error`: records the end, publishes it, and hands the
   * trace to what the caller receives (a response, or a SentinelError; never another object, which
   * may be shared, such as an abort reason).
   */
  end(response: ClientResponse | undefined, error: unknown, attempts: number): void {
    const ok = response !== undefined && error === undefined;
    const status = response?.status ?? statusOf(error);
    if (this.entries !== undefined) {
      const fields: Record<string, unknown> = { layer: 'client', decision: 'end', ok, attempts };
      if (status !== undefined) fields.status = status;
      if (!ok) fields.error = failureKey(error);
      this.add(fields as unknown as Decision);
    }
    this.#ended = true;
    if (endChannel.hasSubscribers) {
      const message: EndMessage = {
        request: this.info,
        ok,
        status,
        error,
        attempts,
        durationMs: this.#clock.now() - this.#start,
      };
      endChannel.publish(message);
    }
    const entries = this.entries;
    if (entries === undefined) return;
    if (ok) (response as { trace?: unknown }).trace = entries;
    else if (isSentinelError(error)) {
      try {
        (error as { trace?: unknown }).trace = entries;
      } catch {
        // A frozen error keeps no trace; the request's outcome is unchanged.
      }
    }
  }
}

function statusOf(error: unknown): number | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}
