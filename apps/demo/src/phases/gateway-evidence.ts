import type { ChaosStats } from '@sentinel/chaos';
import type { BreakerTransition, LoadTestReport } from '@sentinel/workers';
import { attemptsCheck, type BreakerState, type Check, int, type PhaseResult, percent } from './phase.ts';

/** What a gateway job asks for: a catalog read, a payment status read, an order with or without an idempotency key. */
export type JobKind = 'catalog' | 'payments' | 'order' | 'order-unkeyed';

/** A job that reached a worker (jobs refused by a full queue are only counted). */
export interface Job {
  readonly kind: JobKind;
  readonly workerIndex: number;
  /** Clock times: when the caller submitted it and when the caller got the answer. */
  readonly submitMs: number;
  readonly endMs: number;
  /** Time on the worker. */
  readonly runMs: number;
  readonly ok: boolean;
  /** It ended with a `CircuitOpenError`. */
  readonly circuitOpen: boolean;
}

/** A stretch of the phase, in clock times (`to` is `undefined` while it lasts). */
export interface Span {
  readonly from: number;
  to: number | undefined;
}

/** What the gateway phase adds to its report (times in s since the phase began). */
export interface GatewayFacts {
  readonly callers: number;
  readonly maxQueue: number;
  /** Jobs refused at once because the queue was full (never sent). */
  readonly shed: number;
  readonly jobs: Readonly<Record<JobKind, { readonly ok: number; readonly failed: number }>>;
  /** The injected outage of the payments upstream, or `null` (a `--target`, or not reached). */
  readonly outage: {
    readonly from: number;
    readonly to: number;
    /** Each payments attempt's wait for response headers: what a hung upstream costs per attempt. */
    readonly timeoutMs: number;
    /** Payments jobs that waited for at least one timeout (before their worker's breaker opened), and their mean time on the worker. */
    readonly timedOut: { readonly jobs: number; readonly meanMs: number };
    /** Payments jobs refused at once by an open breaker (`CircuitOpenError`), and their mean time on the worker. */
    readonly rejectedFast: { readonly jobs: number; readonly meanMs: number };
    /** Payments breakers (one per worker) that opened during the outage. */
    readonly breakersOpened: number;
    /** When the last of them closed again, or `null` if one never did. */
    readonly recoveredAt: number | null;
  } | null;
  /** The injected burst of 429s from the catalog upstream, or `null`. */
  readonly burst: {
    readonly from: number;
    readonly to: number;
    /** 429s the catalog upstream sent: at most the requests already in flight when the first came back. */
    readonly tooManyRequests: number;
    /** Until when the 429s' Retry-After paused the shared limiter. */
    readonly limiterPausedUntil: number | null;
  } | null;
}

/** Everything the gateway's facts and guarantees are drawn from. */
export interface GatewayEvidence {
  readonly startMs: number;
  readonly nowMs: number;
  readonly status: PhaseResult['status'];
  readonly callers: number;
  readonly maxQueue: number;
  readonly workers: number;
  readonly shed: number;
  readonly jobs: readonly Job[];
  readonly report: LoadTestReport;
  /** Each upstream's own counts, or `null` against a `--target`. */
  readonly servers: Readonly<Record<string, ChaosStats>> | null;
  readonly states: readonly BreakerState[];
  readonly outage: Span | undefined;
  readonly burst: Span | undefined;
  readonly paymentsTimeoutMs: number;
  /** Clock time until which the shared limiter was seen paused during the burst. */
  readonly pausedUntil: number | undefined;
}

const mean = (jobs: readonly Job[]): number =>
  jobs.length === 0 ? 0 : Math.round((jobs.reduce((sum, j) => sum + j.runMs, 0) / jobs.length) * 100) / 100;

/**
 * When worker `w` was past the outage: its payments breaker's first close after the outage, or,
 * if it never opened during it, once a request sent as the outage ended had timed out; never
 * (`Infinity`) if it opened and did not close again.
 */
function recoveries(e: GatewayEvidence, outage: { from: number; to: number }): Map<number, number> {
  const at = (t: BreakerTransition) => e.startMs + t.atMs;
  const payments = e.report.breakerTransitions.filter((t) => t.origin === 'payments');
  const result = new Map<number, number>();
  for (let w = 0; w < e.workers; w++) {
    const own = payments.filter((t) => t.workerIndex === w);
    const opened = own.some((t) => t.to === 'open' && at(t) >= outage.from && at(t) <= outage.to + e.paymentsTimeoutMs);
    const closed = own.find((t) => t.to === 'closed' && at(t) >= outage.to);
    result.set(w, !opened ? outage.to + e.paymentsTimeoutMs : closed === undefined ? Infinity : at(closed));
  }
  return result;
}

const seconds = (e: GatewayEvidence, ms: number) => Math.round((ms - e.startMs) / 10) / 100;

/** The gateway's facts so far. */
export function gatewayFacts(e: GatewayEvidence): GatewayFacts {
  const byKind = (kind: JobKind) => ({
    ok: e.jobs.filter((j) => j.kind === kind && j.ok).length,
    failed: e.jobs.filter((j) => j.kind === kind && !j.ok).length,
  });
  let outage: GatewayFacts['outage'] = null;
  if (e.outage !== undefined) {
    const span = { from: e.outage.from, to: e.outage.to ?? e.nowMs };
    const during = e.jobs.filter((j) => j.kind === 'payments' && j.endMs >= span.from && j.submitMs <= span.to);
    const recovered = [...recoveries(e, span).values()];
    const opened = new Set(
      e.report.breakerTransitions
        .filter((t) => t.origin === 'payments' && t.to === 'open')
        .filter((t) => e.startMs + t.atMs >= span.from && e.startMs + t.atMs <= span.to + e.paymentsTimeoutMs)
        .map((t) => t.workerIndex),
    );
    const last = Math.max(span.to, ...recovered);
    const timedOut = during.filter((j) => j.runMs >= e.paymentsTimeoutMs);
    const fast = during.filter((j) => j.circuitOpen && j.runMs < e.paymentsTimeoutMs);
    outage = {
      from: seconds(e, span.from),
      to: seconds(e, span.to),
      timeoutMs: e.paymentsTimeoutMs,
      timedOut: { jobs: timedOut.length, meanMs: mean(timedOut) },
      rejectedFast: { jobs: fast.length, meanMs: mean(fast) },
      breakersOpened: opened.size,
      recoveredAt: Number.isFinite(last) ? seconds(e, last) : null,
    };
  }
  const catalog = e.servers?.catalog;
  return {
    callers: e.callers,
    maxQueue: e.maxQueue,
    shed: e.shed,
    jobs: {
      catalog: byKind('catalog'),
      payments: byKind('payments'),
      order: byKind('order'),
      'order-unkeyed': byKind('order-unkeyed'),
    },
    outage,
    burst:
      e.burst === undefined || catalog === undefined
        ? null
        : {
            from: seconds(e, e.burst.from),
            to: seconds(e, e.burst.to ?? e.nowMs),
            tooManyRequests: catalog.faults['rate-limit'] ?? 0,
            limiterPausedUntil: e.pausedUntil === undefined ? null : seconds(e, e.pausedUntil),
          },
  };
}

const NOT_INJECTED = 'not checked: no outage or burst is injected into a --target server';
const INTERRUPTED = 'not judged: the phase was interrupted before it could recover';

/** The gateway's guarantees; none while the phase runs. */
export function gatewayChecks(e: GatewayEvidence, facts: GatewayFacts): Check[] {
  if (e.status === 'running') return [];
  const checks: Check[] = [];

  const name = 'gateway: no POST without an idempotency key was sent twice';
  const orders = e.servers?.orders;
  if (orders === undefined) {
    checks.push({
      name,
      ok: true,
      checked: false,
      detail: 'not checked: only the server sees a resend, and the --target server does not tell',
    });
  } else {
    const unkeyed = Object.entries(orders.byPath).filter(([path]) => path.startsWith('/orders/new-'));
    const twice = unkeyed.filter(([, n]) => n > 1).length;
    checks.push({
      name,
      ok: twice === 0,
      checked: true,
      detail: `${int(twice)} of ${int(unkeyed.length)} unkeyed POSTs reached the server twice`,
    });
  }

  checks.push(attemptsCheck('gateway', e.report.attempts, e.servers, e.status === 'interrupted'));

  // A payments job overlapping the outage, until its worker's breaker had closed again, is the outage's.
  const span = e.outage === undefined ? undefined : { from: e.outage.from, to: e.outage.to ?? e.nowMs };
  const recovered = span === undefined ? new Map<number, number>() : recoveries(e, span);
  const affected = (j: Job) =>
    span !== undefined &&
    j.kind === 'payments' &&
    j.endMs >= span.from &&
    j.submitMs <= (recovered.get(j.workerIndex) ?? Infinity);
  const retryable = e.jobs.filter((j) => j.kind !== 'order-unkeyed');
  const judged = retryable.filter((j) => !affected(j));
  const rate = judged.length === 0 ? 1 : judged.filter((j) => j.ok).length / judged.length;
  checks.push({
    name: 'gateway: retryable success ≥ 99.9 % outside the outage',
    ok: rate >= 0.999,
    checked: true,
    detail:
      `${percent(rate)} of ${int(judged.length)} GETs and keyed POSTs` +
      (span === undefined
        ? ''
        : ` (left out: ${int(retryable.length - judged.length)} payments jobs from the outage's start until their worker's breaker closed again)`),
  });

  const outage = facts.outage;
  const burst = facts.burst;
  if (e.servers === null || e.status === 'interrupted' || outage === null || burst === null) {
    const detail = e.servers === null ? NOT_INJECTED : INTERRUPTED;
    for (const claim of [
      'gateway: breakers opened during the outage and closed after it',
      'gateway: callers got fast CircuitOpenErrors instead of timeouts',
      'gateway: the shared limiter paused before more 429s came',
    ]) {
      checks.push({ name: claim, ok: true, checked: false, detail });
    }
    return checks;
  }
  const open = e.states.filter((b) => b.state !== 'closed');
  const paymentsBreakers = e.states.filter((b) => b.origin === 'payments').length;
  checks.push({
    name: 'gateway: breakers opened during the outage and closed after it',
    ok: outage.breakersOpened > 0 && open.length === 0,
    checked: true,
    detail:
      `${outage.breakersOpened} of ${paymentsBreakers} payments breakers opened; ` +
      (open.length === 0
        ? `all ${e.states.length} breakers closed again (the last at ${outage.recoveredAt?.toFixed(2)} s)`
        : `${open.length} not closed at the end (${open.map((b) => `worker ${b.workerIndex} ${b.origin}: ${b.state}`).join(', ')})`),
  });
  checks.push({
    name: 'gateway: callers got fast CircuitOpenErrors instead of timeouts',
    ok: outage.rejectedFast.jobs > 0 && outage.rejectedFast.meanMs < outage.timeoutMs / 10,
    checked: true,
    detail:
      `${int(outage.rejectedFast.jobs)} rejected in ${outage.rejectedFast.meanMs.toFixed(2)} ms on average; ` +
      `${int(outage.timedOut.jobs)} had waited for ${outage.timeoutMs} ms timeouts before their worker's breaker opened ` +
      `(${int(outage.timedOut.meanMs)} ms on average)`,
  });
  checks.push({
    name: 'gateway: the shared limiter paused before more 429s came',
    ok: burst.tooManyRequests > 0 && burst.tooManyRequests <= e.workers,
    checked: true,
    detail:
      `${int(burst.tooManyRequests)} × 429 (at most one per worker: those already in flight), then the ` +
      (burst.limiterPausedUntil === null
        ? 'limiter pause was not seen'
        : `shared limiter held every worker until ${burst.limiterPausedUntil.toFixed(2)} s`),
  });
  return checks;
}
