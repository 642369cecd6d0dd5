import { describe, expect, it } from 'vitest';
import {
  errorCodeOf,
  isFailureBeforeSend,
  isRedirectStatus,
  isRetryableErrorCode,
  isRetryableStatus,
  RETRYABLE_ERROR_CODES,
  RETRYABLE_STATUSES,
} from './status.ts';

describe('isRetryableStatus', () => {
  it.each([
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [200, false],
    [304, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [409, false],
    [422, false],
    [501, false],
    [505, false],
    [599, false],
  ])('%d → %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  it('lists exactly the seven retryable statuses', () => {
    expect(RETRYABLE_STATUSES).toEqual([408, 425, 429, 500, 502, 503, 504]);
  });
});

describe('isRedirectStatus', () => {
  it.each([
    [301, true],
    [302, true],
    [303, true],
    [307, true],
    [308, true],
    [300, false],
    [304, false],
    [305, false],
    [306, false],
    [200, false],
  ])('%d → %s', (status, expected) => {
    expect(isRedirectStatus(status)).toBe(expected);
  });
});

describe('network error codes', () => {
  it.each([
    ['ECONNREFUSED', true, true],
    ['ENOTFOUND', true, true],
    ['EAI_AGAIN', true, true],
    ['ENETUNREACH', true, true],
    ['EHOSTUNREACH', true, true],
    ['UND_ERR_CONNECT_TIMEOUT', true, true],
    ['ECONNRESET', true, false],
    ['EPIPE', true, false],
    ['ETIMEDOUT', true, false],
    ['UND_ERR_SOCKET', true, false],
    ['UND_ERR_HEADERS_TIMEOUT', true, false],
    ['UND_ERR_BODY_TIMEOUT', true, false],
    ['UND_ERR_ABORTED', false, false],
    ['ERR_INVALID_ARG_TYPE', false, false],
    [undefined, false, false],
  ])('%s: retryable %s, before send %s', (code, retryable, beforeSend) => {
    expect(isRetryableErrorCode(code)).toBe(retryable);
    expect(isFailureBeforeSend(code)).toBe(beforeSend);
  });

  it('lists every retryable code once', () => {
    expect(new Set(RETRYABLE_ERROR_CODES).size).toBe(RETRYABLE_ERROR_CODES.length);
    expect(RETRYABLE_ERROR_CODES).toContain('ECONNRESET');
  });
});

describe('errorCodeOf', () => {
  const cyclic: { cause?: unknown } = {};
  cyclic.cause = cyclic;
  it.each([
    ['a code on the error', Object.assign(new Error('x'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['a code on the cause', new Error('x', { cause: Object.assign(new Error('y'), { code: 'EPIPE' }) }), 'EPIPE'],
    ['no code', new Error('x'), undefined],
    ['an empty code', Object.assign(new Error('x'), { code: '' }), undefined],
    ['a numeric code', Object.assign(new Error('x'), { code: 42 }), undefined],
    ['a primitive', 'ECONNRESET', undefined],
    ['null', null, undefined],
    ['a cycle', cyclic, undefined],
  ])('%s', (_title, error, expected) => {
    expect(errorCodeOf(error)).toBe(expected);
  });
});
