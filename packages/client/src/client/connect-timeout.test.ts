import { fork } from 'node:child_process';
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { RequestTimeoutError } from '../errors.ts';
import { createClient } from './client.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A loopback port whose connects hang: the listening process is stopped and its accept queue is
 * full, so the kernel drops further SYNs. Fills the queue one connection at a time until one
 * stalls (each wait bounded), so it does not depend on the kernel's exact queue length.
 */
async function stalledPort(): Promise<number> {
  const child = fork(new URL('../test-support/stalled-listener.mjs', import.meta.url), {
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  cleanups.push(async () => {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  const [{ port }] = (await once(child, 'message')) as [{ port: number }];
  child.kill('SIGSTOP');
  const fillers: Socket[] = [];
  cleanups.push(() => {
    for (const socket of fillers) socket.destroy();
  });
  for (let i = 0; i < 16; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([once(socket, 'connect').then(() => true), delay(300).then(() => false)]);
    if (!connected) return port;
  }
  throw new Error('the accept queue never filled: connects to a stopped listener kept succeeding');
}

describe('connect timeout', () => {
  it('a connect that never completes ends with a connect-phase RequestTimeoutError, live on loopback', async () => {
    const port = await stalledPort();
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, timeouts: { connectMs: 250 } });
    cleanups.push(() => client.close());
    const error = await client.get('/').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(error).toMatchObject({ code: 'SENTINEL_TIMEOUT', phase: 'connect', timeoutMs: 250 });
  }, 15_000);
});
