import { type ChaosServer, type ChaosServerOptions, startChaosServer } from '@sentinel/chaos';
import { afterEach, beforeEach } from 'vitest';
import { type Client, createClient } from '../client/client.ts';
import type { ClientOptions } from '../client/options.ts';

/** Creates a client that is closed after the running test, before its servers are. */
export type MakeClient = (options?: ClientOptions) => Client;

/** A tuple of `Count` servers, so `([server, other]) => …` needs no undefined checks. */
export type ChaosServers<Count extends number, Started extends ChaosServer[] = []> = Started['length'] extends Count
  ? Started
  : ChaosServers<Count, [...Started, ChaosServer]>;

/**
 * Gives each test of the calling file `count` fresh chaos servers (real sockets on 127.0.0.1) and
 * closes them after it, with every client made through the returned `make`. Clients close first,
 * in parallel, then the servers in start order: a server never goes away under a client that may
 * still hold a keep-alive socket to it.
 *
 * Registers `beforeEach` and `afterEach`, so call it at the top level of a test file (or inside a
 * `describe` to scope it). An `afterEach` the file registers after this call runs before the
 * servers close (vitest runs afterEach hooks in reverse order), which is where to close anything
 * else that talks to them.
 *
 * @param count how many servers each test gets, started one after the other
 * @param onStart receives the servers in start order before each test, to bind them to the file's
 *   own names (`([started]) => (server = started)`), and `make` for a client every test shares
 * @param options passed to each `startChaosServer`
 * @returns `make`, for clients a test creates itself
 *
 * @example
 * let server: ChaosServer;
 * const { make } = useChaosServers(1, ([started]) => (server = started));
 */
export function useChaosServers<Count extends number>(
  count: Count,
  onStart: (servers: ChaosServers<Count>, make: MakeClient) => void,
  options?: ChaosServerOptions,
): { make: MakeClient } {
  const servers: ChaosServer[] = [];
  const clients: Client[] = [];
  const make: MakeClient = (clientOptions) => {
    const client = createClient(clientOptions);
    clients.push(client);
    return client;
  };
  beforeEach(async () => {
    for (let i = 0; i < count; i++) servers.push(await startChaosServer(options));
    onStart([...servers] as ChaosServers<Count>, make);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    for (const server of servers.splice(0)) await server.close();
  });
  return { make };
}
