import { readdirSync, readlinkSync } from 'node:fs';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ManualClock } from '@sentinel/core/testing';

/**
 * Sockets open in this process, idle keep-alive ones included: undici unrefs an idle socket, and
 * `process.getActiveResourcesInfo()` lists only ref'd handles, so on Linux the file descriptors
 * are counted instead (both ends of a loopback connection count when the server is in-process).
 */
export function openSockets(): number {
  try {
    let sockets = 0;
    for (const fd of readdirSync('/proc/self/fd')) {
      try {
        if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) sockets++;
      } catch {
        // closed while listing
      }
    }
    return sockets;
  } catch {
    return process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
  }
}

/** Open sockets and ref'd timers (other resources belong to the test runner and come and go). */
export function ioResources(): { sockets: number; timers: number } {
  return { sockets: openSockets(), timers: process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length };
}

/** Resolves when `predicate()` holds, letting I/O run between checks; rejects after `turns` event-loop turns. */
export async function until(predicate: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (predicate()) return;
    await nextTurn();
  }
  throw new Error(`condition still false after ${turns} event-loop turns`);
}

/** A promise and its settle functions (Promise.withResolvers is Node 22+). */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (e: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** What a promise settles with: `{ ok, value }` or `{ ok: false, error }`, never a rejection. */
export function outcome<T>(promise: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

/**
 * Drives a ManualClock while real I/O runs: lets the event loop turn a few times, and advances
 * time by `stepMs` only when a sleeper is due, until `done` settles or `maxSteps` pass.
 */
export async function drive(
  clock: ManualClock,
  done: Promise<unknown>,
  stepMs: number,
  maxSteps = 100_000,
): Promise<void> {
  let settled = false;
  void done.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let step = 0; step < maxSteps && !settled; step++) {
    for (let turn = 0; turn < 3 && !settled; turn++) await nextTurn();
    if (!settled && clock.pending > 0) await clock.advance(stepMs);
  }
  if (!settled) throw new Error(`still running after ${maxSteps} steps of ${stepMs} ms`);
}

export { uncaught } from '../../../core/test/uncaught.ts';

export { ManualClock };
