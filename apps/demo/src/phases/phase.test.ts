import { describe, expect, it } from 'vitest';
import { attemptsCheck } from './phase.ts';

describe('attemptsCheck', () => {
  const servers = (...requests: number[]) => Object.fromEntries(requests.map((n, i) => [`s${i}`, { requests: n }]));

  it('asks for equality when the phase ran to its end', () => {
    expect(attemptsCheck('load', 10, servers(4, 6))).toMatchObject({ ok: true, detail: '10 sent, 10 received' });
    expect(attemptsCheck('load', 10, servers(4, 5))).toMatchObject({ ok: false, detail: '10 sent, 9 received' });
    expect(attemptsCheck('load', 10, servers(5, 6))).toMatchObject({ ok: false });
  });

  it('after an interrupt, lets attempts cut in flight be missing at the server, never the other way', () => {
    expect(attemptsCheck('scraper', 106, servers(105), true)).toMatchObject({
      ok: true,
      detail: '106 sent, 105 received (1 cut by the interrupt before the server read them)',
    });
    expect(attemptsCheck('scraper', 105, servers(105), true)).toMatchObject({
      ok: true,
      detail: '105 sent, 105 received',
    });
    expect(attemptsCheck('scraper', 105, servers(106), true)).toMatchObject({ ok: false });
  });

  it('is not checked against a --target server that does not tell its count', () => {
    expect(attemptsCheck('gateway', 5, null, true)).toMatchObject({ ok: true, checked: false });
  });
});
