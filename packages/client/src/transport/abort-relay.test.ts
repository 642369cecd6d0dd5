import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { type Abortable, follow } from './abort-relay.ts';

function target(): Abortable & { reasons: unknown[] } {
  const reasons: unknown[] = [];
  return { reasons, abort: (reason) => reasons.push(reason) };
}

describe('abort relay', () => {
  it('adds one listener per signal and aborts every follower still following, once, with the reason', () => {
    const controller = new AbortController();
    const [a, b, c] = [target(), target(), target()];
    follow(controller.signal, a);
    const relay = follow(controller.signal, b);
    follow(controller.signal, c);
    relay.delete(b);
    relay.delete(b);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort('why');
    expect(a.reasons).toEqual(['why']);
    expect(b.reasons).toEqual([]);
    expect(c.reasons).toEqual(['why']);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });

  it('lets a follower leave (or another follow) while the abort is being relayed', () => {
    const controller = new AbortController();
    const late = target();
    const first: Abortable = {
      abort: () => {
        relay.delete(second);
        follow(controller.signal, late);
      },
    };
    const second = target();
    const relay = follow(controller.signal, first);
    follow(controller.signal, second);
    controller.abort('x');
    // Every follower at the moment of the abort hears it; one that joins during it does not.
    expect(second.reasons).toEqual(['x']);
    expect(late.reasons).toEqual([]);
  });

  it('returns the one relay of the signal: a target deleted from it hears no abort', () => {
    const controller = new AbortController();
    const [a, b] = [target(), target()];
    const relay = follow(controller.signal, a);
    expect(follow(controller.signal, b)).toBe(relay); // one relay per signal
    expect(relay.delete(a)).toBe(true);
    expect(relay.delete(a)).toBe(false);
    controller.abort('late');
    expect(a.reasons).toEqual([]);
    expect(b.reasons).toEqual(['late']);
  });

  it('keeps signals apart', () => {
    const one = new AbortController();
    const two = new AbortController();
    const a = target();
    const b = target();
    follow(one.signal, a);
    follow(two.signal, b);
    one.abort(1);
    expect(a.reasons).toEqual([1]);
    expect(b.reasons).toEqual([]);
  });
});
