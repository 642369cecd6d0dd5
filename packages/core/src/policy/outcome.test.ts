import { describe, expect, it } from 'vitest';
import { failure, settle, success, unwrap } from './outcome.ts';

describe('outcome', () => {
  it('success and failure build the two shapes', () => {
    expect(success(1)).toEqual({ ok: true, value: 1 });
    const error = new Error('x');
    expect(failure(error)).toEqual({ ok: false, error });
  });

  it('settle never rejects and reports how a promise or function ended', async () => {
    const error = new Error('boom');
    expect(await settle(Promise.resolve(2))).toEqual({ ok: true, value: 2 });
    expect(await settle(Promise.reject(error))).toEqual({ ok: false, error });
    expect(await settle(() => 3)).toEqual({ ok: true, value: 3 });
    expect(
      await settle(() => {
        throw error;
      }),
    ).toEqual({ ok: false, error });
  });

  it('unwrap returns the value or rethrows the same error', () => {
    expect(unwrap(success('v'))).toBe('v');
    const error = new Error('kept');
    expect(() => unwrap(failure(error))).toThrow(error);
  });
});
