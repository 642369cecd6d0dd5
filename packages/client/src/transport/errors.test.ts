import { errors } from 'undici';
import { describe, expect, it } from 'vitest';
import { ClientClosedError, NetworkError, RequestTimeoutError } from '../errors.ts';
import { failedBeforeSend, mapTransportError } from './errors.ts';

const timeouts = { connectMs: 10, headersMs: 20, bodyIdleMs: 30 };
const url = 'http://a.test/x';
const errno = (code: string) => Object.assign(new Error(code), { code });

// undici's own error classes (no mock): the mapping from their codes to phases and safety.
describe('mapTransportError', () => {
  it.each<[string, unknown, string, string | number | boolean, boolean]>([
    ['a connect timeout', new errors.ConnectTimeoutError(), 'connect', 10, true],
    ['a headers timeout', new errors.HeadersTimeoutError(), 'headers', 20, false],
    ['a body timeout', new errors.BodyTimeoutError(), 'body', 30, false],
    ['a refused connection', errno('ECONNREFUSED'), 'ECONNREFUSED', false, true],
    ['a DNS failure', errno('ENOTFOUND'), 'ENOTFOUND', false, true],
    ['a reset', errno('ECONNRESET'), 'ECONNRESET', true, false],
    ['a socket error', new errors.SocketError('other side closed'), 'UND_ERR_SOCKET', true, false],
  ])('%s', (_title, error, what, detail, beforeSend) => {
    const mapped = mapTransportError(error, url, undefined, timeouts);
    if (mapped instanceof RequestTimeoutError) {
      expect(mapped).toMatchObject({ phase: what, timeoutMs: detail, code: 'SENTINEL_TIMEOUT' });
    } else {
      expect(mapped).toBeInstanceOf(NetworkError);
      expect(mapped).toMatchObject({ errorCode: what, maybeSent: detail });
    }
    expect(failedBeforeSend(mapped)).toBe(beforeSend);
  });

  it("rethrows an aborted signal's reason as it is", () => {
    const controller = new AbortController();
    const reason = new Error('mine');
    controller.abort(reason);
    expect(mapTransportError(new errors.RequestAbortedError(), url, controller.signal, timeouts)).toBe(reason);
  });

  it('passes Sentinel errors through', () => {
    const closed = new ClientClosedError();
    expect(mapTransportError(closed, url, undefined, timeouts)).toBe(closed);
  });
});
