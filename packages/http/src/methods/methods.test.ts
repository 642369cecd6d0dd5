import { describe, expect, it } from 'vitest';
import { IDEMPOTENT_METHODS, isIdempotentMethod, isSafeMethod, isValidMethod } from './methods.ts';

describe('isIdempotentMethod', () => {
  it.each([
    ['GET', true],
    ['get', true],
    ['HEAD', true],
    ['OPTIONS', true],
    ['TRACE', true],
    ['PUT', true],
    ['DELETE', true],
    ['delete', true],
    ['POST', false],
    ['PATCH', false],
    ['CONNECT', false],
    ['PROPFIND', false],
    ['', false],
  ])('%j → %s', (method, expected) => {
    expect(isIdempotentMethod(method)).toBe(expected);
  });

  it('lists the idempotent methods', () => {
    expect([...IDEMPOTENT_METHODS].sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PUT', 'TRACE']);
    expect(Object.isFrozen(IDEMPOTENT_METHODS)).toBe(true);
  });
});

describe('isSafeMethod', () => {
  it.each([
    ['GET', true],
    ['head', true],
    ['OPTIONS', true],
    ['TRACE', true],
    ['PUT', false],
    ['DELETE', false],
    ['POST', false],
  ])('%j → %s', (method, expected) => {
    expect(isSafeMethod(method)).toBe(expected);
  });
});

describe('isValidMethod', () => {
  it.each([
    ['GET', true],
    ['M-SEARCH', true],
    ['PROPFIND', true],
    ['', false],
    ['GET ', false],
    ['GET\r\nX: y', false],
    ['GE\0T', false],
    ['G\nET', false],
    ['GÉT', false],
  ])('%j → %s', (method, expected) => {
    expect(isValidMethod(method)).toBe(expected);
  });
});
