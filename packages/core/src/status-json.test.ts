import { describe, expect, it } from 'vitest';
import { POLICIES } from '../test/policies.ts';
import { fallback } from './fallback/fallback.ts';
import { ManualClock } from './testing/index.ts';

/*
 * Conformance (issue 15 §2): every status() of this package is plain JSON — it survives
 * JSON.parse(JSON.stringify(x)) unchanged (no undefined fields, no Infinity / NaN / -0, which
 * JSON turns into null or 0), in every state.
 */
function expectJsonSafe(status: unknown): void {
  expect(JSON.parse(JSON.stringify(status))).toStrictEqual(status);
}

// Policy factories whose policies have a status(); a new one must be added here and tested below.
const WITH_STATUS = ['fallback'];

describe('status() survives a JSON round trip (conformance)', () => {
  it('lists every exported policy that has a status()', () => {
    const found = Object.entries(POLICIES)
      .filter(([, cases]) => cases.some((c) => typeof c.make(new ManualClock()).status === 'function'))
      .map(([name]) => name);
    expect(found.sort()).toEqual(WITH_STATUS);
  });

  it('fallback: fresh, mid-use, after a fallback, a failing fallback and an abort', async () => {
    const policy = fallback<string>({
      fallback: (outcome) => {
        if (!outcome.ok && outcome.error === 'fatal') throw new Error('fallback failed too');
        return 'fallback';
      },
    });
    expectJsonSafe(policy.status());
    let finish: (value: string) => void = () => {};
    const running = policy.execute(() => new Promise<string>((resolve) => (finish = resolve)));
    expectJsonSafe(policy.status());
    finish('done');
    await running;
    await policy.execute(() => Promise.reject(new Error('boom')));
    expectJsonSafe(policy.status());
    await policy.execute(() => Promise.reject('fatal')).catch(() => {});
    const controller = new AbortController();
    await policy
      .execute(
        () => {
          controller.abort('gone');
          throw new Error('after abort');
        },
        { signal: controller.signal },
      )
      .catch(() => {});
    const status = policy.status();
    expect(status).toEqual({ calls: 4, fallbacks: 2, fallbackFailures: 1, aborts: 1 });
    expectJsonSafe(status);
  });
});
