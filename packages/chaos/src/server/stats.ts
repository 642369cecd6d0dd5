import type { Fault } from './faults.ts';

/** What the chaos server has seen since it started (or since `resetStats()`). */
export interface ChaosStats {
  /** Requests whose headers arrived. */
  readonly requests: number;
  /** Requests by method (`GET`, `POST`, ...). */
  readonly byMethod: Readonly<Record<string, number>>;
  /** Requests by path, without the query string. */
  readonly byPath: Readonly<Record<string, number>>;
  /** Requests by `METHOD path`, e.g. `POST /orders`. */
  readonly byRoute: Readonly<Record<string, number>>;
  /** Requests by the value of their `Idempotency-Key` header. */
  readonly byIdempotencyKey: Readonly<Record<string, number>>;
  /** Faults that fired, by type (`echo` counts the plain answers). */
  readonly faults: Readonly<Partial<Record<Fault['type'], number>>>;
  /** TCP connections accepted. */
  readonly connections: number;
  /** Bytes read from every socket (request lines, headers, bodies). */
  readonly bytesReceived: number;
  /** Bytes written to every socket. */
  readonly bytesSent: number;
  /** Requests being served now (refusals over capacity are not counted). */
  readonly inFlight: number;
  /** The most requests served at once. */
  readonly peakInFlight: number;
  /** Requests refused because `capacity.maxInFlight` requests were being served. */
  readonly overCapacity: number;
}

/** Mutable counters behind {@link ChaosStats}; the server snapshots them on read. */
export class Counters {
  requests = 0;
  byMethod: Record<string, number> = {};
  byPath: Record<string, number> = {};
  byRoute: Record<string, number> = {};
  byIdempotencyKey: Record<string, number> = {};
  faults: Partial<Record<Fault['type'], number>> = {};
  connections = 0;
  closedBytesReceived = 0;
  closedBytesSent = 0;
  peakInFlight = 0;
  overCapacity = 0;

  request(method: string, path: string, key: string | undefined): void {
    this.requests++;
    bump(this.byMethod, method);
    bump(this.byPath, path);
    bump(this.byRoute, `${method} ${path}`);
    if (key !== undefined) bump(this.byIdempotencyKey, key);
  }

  fault(type: Fault['type']): void {
    this.faults[type] = (this.faults[type] ?? 0) + 1;
  }

  snapshot(liveReceived: number, liveSent: number, inFlight: number): ChaosStats {
    return {
      requests: this.requests,
      byMethod: { ...this.byMethod },
      byPath: { ...this.byPath },
      byRoute: { ...this.byRoute },
      byIdempotencyKey: { ...this.byIdempotencyKey },
      faults: { ...this.faults },
      connections: this.connections,
      bytesReceived: this.closedBytesReceived + liveReceived,
      bytesSent: this.closedBytesSent + liveSent,
      inFlight,
      peakInFlight: this.peakInFlight,
      overCapacity: this.overCapacity,
    };
  }
}

function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}
