import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigError } from '../errors/errors.ts';
import { Emitter, reportListenerError } from './events.ts';

describe('Emitter', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('calls listeners in subscription order with the payload', () => {
    const emitter = new Emitter<{ n: number }>();
    const seen: string[] = [];
    emitter.subscribe((p) => seen.push(`a${p.n}`));
    emitter.subscribe((p) => seen.push(`b${p.n}`));
    emitter.emit({ n: 1 });
    expect(seen).toEqual(['a1', 'b1']);
    expect(emitter.size).toBe(2);
    expect(emitter.hasListeners).toBe(true);
  });

  it('dispose() removes exactly that subscription, once, and works as Symbol.dispose', () => {
    const emitter = new Emitter<number>();
    const seen: number[] = [];
    const listener = (n: number) => seen.push(n);
    const first = emitter.subscribe(listener);
    const second = emitter.subscribe(listener);
    emitter.emit(1);
    first.dispose();
    first.dispose();
    emitter.emit(2);
    second[Symbol.dispose]();
    emitter.emit(3);
    expect(seen).toEqual([1, 1, 2]);
    expect(emitter.hasListeners).toBe(false);
  });

  it('a listener that throws does not stop the others nor the emitter; its error goes to the handler', () => {
    const errors: unknown[] = [];
    const emitter = new Emitter<number>((error) => errors.push(error));
    const boom = new Error('listener bug');
    const seen: number[] = [];
    emitter.subscribe(() => {
      throw boom;
    });
    emitter.subscribe((n) => seen.push(n));
    expect(() => emitter.emit(7)).not.toThrow();
    expect(seen).toEqual([7]);
    expect(errors).toEqual([boom]);
  });

  it('survives an error handler that throws too', () => {
    const emitter = new Emitter<number>(() => {
      throw new Error('handler bug');
    });
    const seen: number[] = [];
    emitter.subscribe(() => {
      throw new Error('listener bug');
    });
    emitter.subscribe((n) => seen.push(n));
    expect(() => emitter.emit(1)).not.toThrow();
    expect(seen).toEqual([1]);
  });

  it('by default rethrows a listener error on a fresh microtask, where the platform reports it', () => {
    const queued: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((callback) => {
      queued.push(callback);
    });
    const emitter = new Emitter<number>();
    const boom = new Error('listener bug');
    emitter.subscribe(() => {
      throw boom;
    });
    emitter.emit(1);
    vi.restoreAllMocks();
    expect(queued).toHaveLength(1);
    expect(() => queued[0]?.()).toThrow(boom);
    expect(reportListenerError).toBeTypeOf('function');
  });

  it('subscribing or unsubscribing during an emit takes effect from the next emit', () => {
    const emitter = new Emitter<number>();
    const seen: string[] = [];
    const late = (n: number) => seen.push(`late${n}`);
    let second: { dispose(): void } | undefined;
    emitter.subscribe((n) => {
      seen.push(`first${n}`);
      second?.dispose();
      emitter.subscribe(late);
    });
    second = emitter.subscribe((n) => seen.push(`second${n}`));
    emitter.emit(1);
    expect(seen).toEqual(['first1', 'second1']);
  });

  it('subscribe is bound, so it can be exposed as a method', () => {
    const emitter = new Emitter<number>();
    const { subscribe } = emitter;
    const seen: number[] = [];
    subscribe((n) => seen.push(n));
    emitter.emit(5);
    expect(seen).toEqual([5]);
  });

  it('hands out the same bound subscribe function every time', () => {
    const emitter = new Emitter<number>();
    expect(emitter.subscribe).toBe(emitter.subscribe);
  });

  it('regression (issue 15): refuses a listener that is not a function with a ConfigError naming it', () => {
    expect(() => new Emitter<number>().subscribe(undefined as never)).toThrow(
      'subscribe: "listener" must be a function; received undefined',
    );
    expect(() => new Emitter<number>().subscribe({ handleEvent() {} } as never)).toThrow(ConfigError);
  });

  it('clear() removes every listener', () => {
    const emitter = new Emitter<number>();
    emitter.subscribe(() => {});
    emitter.clear();
    expect(emitter.size).toBe(0);
  });
});
