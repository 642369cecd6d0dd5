import { once } from 'node:events';
import { createServer, type Server, Socket } from 'node:net';
import { type Clock, compose, isTimeoutError, type Policy, systemClock, timeout } from '@sentinel/core';

/** One line of the smoke report. */
export interface SmokeResult {
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** A loopback server that accepts connections and never answers: the classic hung upstream. */
async function startHungServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('expected a TCP address');
  return {
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}

/** Connects and waits for an answer that never comes; the attempt's signal tears the socket down. */
function waitForAnswer(port: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('data', (data) => {
      signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(String(data));
    });
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1');
  });
}

export interface SmokeOptions {
  /** Where time is read; tests pass a ManualClock shared with the policy. @default systemClock */
  readonly clock?: Clock;
  /** The pipeline under test. @default compose(timeout({ ms: 50, clock })) */
  readonly policy?: Policy;
}

/**
 * Exercises the built packages the way an application would: a composed pipeline with a real
 * timeout, one call that finishes in time and one against a hung upstream on loopback. The demo
 * of the full stack (client, retry, breaker, limiter against the chaos server) replaces this as
 * those packages land.
 */
export async function runSmoke(options: SmokeOptions = {}): Promise<SmokeResult[]> {
  const clock = options.clock ?? systemClock;
  const policy = options.policy ?? compose(timeout({ ms: 50, clock }));
  const results: SmokeResult[] = [];

  const fast = await policy.execute(async (ctx) => `attempt ${ctx.attempt} done`);
  results.push({ check: 'a call within its deadline returns its value', ok: fast === 'attempt 1 done', detail: fast });

  const hung = await startHungServer();
  try {
    const started = clock.now();
    const slow = await policy.execute((ctx) => waitForAnswer(hung.port, ctx.signal)).catch((error: unknown) => error);
    const waited = clock.now() - started;
    results.push({
      check: 'a call to a hung upstream is cut off with TimeoutError',
      ok: isTimeoutError(slow) && waited < 1_000,
      detail: isTimeoutError(slow) ? `${slow.message} (returned after ${waited.toFixed(0)} ms)` : String(slow),
    });
  } finally {
    await hung.close();
  }
  return results;
}
