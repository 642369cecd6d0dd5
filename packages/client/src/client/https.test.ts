import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { type ChaosServer, type EchoBody, startChaosServer } from '@sentinel/chaos';
import { Agent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRedirectError } from '../errors.ts';
import { createClient } from './client.ts';

const tls = (name: string) => readFileSync(new URL(`../test-support/tls/${name}`, import.meta.url));

let plain: ChaosServer;
let secure: Server;
let secureUrl: string;
let agent: Agent;
beforeEach(async () => {
  plain = await startChaosServer();
  // A real TLS server whose only answer is a redirect to the plain-HTTP chaos server.
  secure = createServer({ key: tls('key.pem'), cert: tls('cert.pem') }, (request, response) => {
    request.resume();
    response.writeHead(302, { location: `${plain.url}/landing` });
    response.end();
  });
  await new Promise<void>((resolve) => secure.listen(0, '127.0.0.1', resolve));
  secureUrl = `https://127.0.0.1:${(secure.address() as AddressInfo).port}`;
  agent = new Agent({ connect: { ca: tls('cert.pem') } });
});
afterEach(async () => {
  await agent.close();
  secure.closeAllConnections();
  await new Promise((resolve) => secure.close(resolve));
  await plain.close();
});

describe('https → http redirects', () => {
  it('are refused by default, before any request reaches the http server', async () => {
    const client = createClient({ baseUrl: secureUrl, dispatcher: agent });
    const error = await client.get('/start').catch((e: unknown) => e);
    expect(isRedirectError(error)).toBe(true);
    expect(error).toMatchObject({ reason: 'https-to-http' });
    expect(plain.stats().requests).toBe(0);
  });

  it('are followed when allowed, without credentials (the scheme changed)', async () => {
    const client = createClient({ baseUrl: secureUrl, dispatcher: agent, allowHttpsToHttp: true });
    const response = await client.get('/start', { headers: { Authorization: 'Bearer secret', 'x-keep': '1' } });
    const echo = await response.json<EchoBody>();
    expect(response.redirects).toEqual([`${plain.url}/landing`]);
    expect(echo.headers.map(([name]) => name)).toContain('x-keep');
    expect(echo.headers.map(([name]) => name.toLowerCase())).not.toContain('authorization');
  });
});
