import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { AttemptScope, abortSignalOf, contextFor, isAborted } from './context.ts';

describe('contextFor', () => {
  it('returns an enclosing context unchanged, so inner policies allocate nothing', () => {
    const scope = new AttemptScope(undefined, 3);
    expect(contextFor(scope)).toBe(scope);
    const outer = contextFor({ attempt: 2 });
    expect(contextFor(outer)).toBe(outer);
  });

  it('passes the caller signal through unchanged', () => {
    const controller = new AbortController();
    const context = contextFor({ signal: controller.signal });
    expect(context.signal).toBe(controller.signal);
    expect(context.attempt).toBe(1);
  });

  it('gives each call its own never-aborted signal when the caller gave none', () => {
    const a = contextFor(undefined);
    const b = contextFor({});
    expect(a.signal.aborted).toBe(false);
    expect(a.signal).toBe(a.signal);
    expect(a.signal).not.toBe(b.signal);
  });

  it('treats a plain object that looks like a context as options', () => {
    const signal = new AbortController().signal;
    const look = { signal, attempt: 4 };
    const context = contextFor(look);
    expect(context).not.toBe(look);
    expect(context.signal).toBe(signal);
    expect(context.attempt).toBe(4);
  });
});

describe('AttemptScope', () => {
  it('takes the attempt it is given, else the parent’s, else 1', () => {
    expect(new AttemptScope(undefined).attempt).toBe(1);
    expect(new AttemptScope({ attempt: 3 }).attempt).toBe(3);
    expect(new AttemptScope({ attempt: 3 }, 4).attempt).toBe(4);
  });

  it('does not touch the parent signal until its own is read', () => {
    let reads = 0;
    const parentSignal = new AbortController().signal;
    const parent = {
      attempt: 1,
      get signal() {
        reads++;
        return parentSignal;
      },
    };
    const scope = new AttemptScope(parent);
    scope.abort(new Error('not read yet'));
    scope.dispose();
    expect(reads).toBe(0);
  });

  it('follows the parent: aborting the parent aborts the scope with the parent reason', () => {
    const parent = new AbortController();
    const scope = new AttemptScope({ signal: parent.signal });
    const signal = scope.signal;
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(1);
    const reason = new Error('caller gave up');
    parent.abort(reason);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBe(reason);
    expect(scope.aborted).toBe(true);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('starts aborted when the parent already was', () => {
    const reason = new Error('early');
    const scope = new AttemptScope({ signal: AbortSignal.abort(reason) });
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(reason);
  });

  it('abort() aborts its own signal without touching the parent, and unlinks from it', () => {
    const parent = new AbortController();
    const scope = new AttemptScope({ signal: parent.signal });
    const signal = scope.signal;
    const reason = new Error('attempt over');
    scope.abort(reason);
    scope.abort(new Error('second call is ignored'));
    expect(signal.reason).toBe(reason);
    expect(parent.signal.aborted).toBe(false);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });

  it('an abort before the signal is read shows on the signal when it is read', () => {
    const scope = new AttemptScope(undefined);
    const reason = new Error('too late');
    scope.abort(reason);
    expect(scope.aborted).toBe(true);
    expect(scope.signal.aborted).toBe(true);
    expect(scope.signal.reason).toBe(reason);
  });

  it('abort() without a reason uses an AbortError, as the platform does', () => {
    const scope = new AttemptScope(undefined);
    scope.abort();
    expect((scope.signal.reason as DOMException).name).toBe('AbortError');
  });

  it('dispose() stops following the parent and removes its listener', () => {
    const parent = new AbortController();
    const scope = new AttemptScope({ signal: parent.signal });
    const signal = scope.signal;
    scope[Symbol.dispose]();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
    parent.abort();
    expect(signal.aborted).toBe(false);
  });

  it('a scope disposed before its signal is read never links to the parent', () => {
    const parent = new AbortController();
    const scope = new AttemptScope({ signal: parent.signal });
    scope.dispose();
    expect(scope.signal.aborted).toBe(false);
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });
});

describe('abortSignalOf', () => {
  it('is undefined for a context nothing can abort, without creating a signal', () => {
    const context = contextFor(undefined);
    expect(abortSignalOf(context)).toBeUndefined();
    expect(abortSignalOf(contextFor({ attempt: 2 }))).toBeUndefined();
  });

  it('is the caller signal when there is one', () => {
    const signal = new AbortController().signal;
    expect(abortSignalOf(contextFor({ signal }))).toBe(signal);
  });

  it('is the scope’s own signal for an attempt a policy may abort', () => {
    const scope = new AttemptScope(undefined, 1);
    const signal = abortSignalOf(scope);
    expect(signal).toBe(scope.signal);
    scope.abort(new Error('next attempt'));
    expect(signal?.aborted).toBe(true);
  });

  it('reads the signal of a context made elsewhere', () => {
    const signal = new AbortController().signal;
    expect(abortSignalOf({ signal, attempt: 1 })).toBe(signal);
  });
});

describe('abortSignalOf, for scopes aborted only after they settle (a retry’s attempts)', () => {
  const settledOnly = { abortedOnlyAfterSettling: true };

  it('is undefined when nothing above can abort the running attempt', () => {
    expect(abortSignalOf(new AttemptScope(undefined, 2, settledOnly))).toBeUndefined();
    expect(abortSignalOf(new AttemptScope(contextFor(undefined), 2, settledOnly))).toBeUndefined();
  });

  it('is the caller’s signal, unwrapped, when there is one', () => {
    const signal = new AbortController().signal;
    expect(abortSignalOf(new AttemptScope({ signal }, 1, settledOnly))).toBe(signal);
    expect(abortSignalOf(new AttemptScope(contextFor({ signal }), 1, settledOnly))).toBe(signal);
  });

  it('is an enclosing timeout’s own signal, which does abort while running', () => {
    const deadline = new AttemptScope(undefined, 1);
    expect(abortSignalOf(new AttemptScope(deadline, 1, settledOnly))).toBe(deadline.signal);
  });

  it('is the scope’s own, aborted signal once it has been aborted', () => {
    const scope = new AttemptScope(undefined, 1, settledOnly);
    scope.abort(new Error('superseded'));
    expect(abortSignalOf(scope)?.aborted).toBe(true);
  });
});

describe('isAborted', () => {
  const abortedSignal = () => {
    const controller = new AbortController();
    controller.abort('gone');
    return controller.signal;
  };

  it('answers for options, pass-through contexts and scopes, aborted or not', () => {
    const live = new AbortController().signal;
    expect(isAborted(undefined)).toBe(false);
    expect(isAborted({})).toBe(false);
    expect(isAborted({ signal: live })).toBe(false);
    expect(isAborted({ signal: abortedSignal() })).toBe(true);
    expect(isAborted(contextFor(undefined))).toBe(false);
    expect(isAborted(contextFor({ signal: abortedSignal() }))).toBe(true);
    expect(isAborted(new AttemptScope(undefined))).toBe(false);
    const scope = new AttemptScope(undefined);
    scope.abort('superseded');
    expect(isAborted(scope)).toBe(true);
  });

  it('sees a parent abort through a scope whose signal was never read (regression: AttemptScope.aborted said false)', () => {
    const controller = new AbortController();
    const outer = new AttemptScope({ signal: controller.signal });
    const inner = new AttemptScope(outer);
    controller.abort('gone');
    expect(inner.aborted).toBe(true);
    expect(isAborted(inner)).toBe(true);
    expect(inner.signal.reason).toBe('gone');
  });

  it('builds no signal to answer', () => {
    let reads = 0;
    const parent = {
      get signal() {
        reads++;
        return abortedSignal();
      },
    };
    const scope = new AttemptScope(parent);
    expect(isAborted(contextFor(scope))).toBe(true);
    // The plain parent's signal is read; no scope built one of its own (that would read it again).
    expect(reads).toBe(1);
  });

  it('a disposed scope no longer follows its parent', () => {
    const controller = new AbortController();
    const scope = new AttemptScope({ signal: controller.signal });
    scope.dispose();
    controller.abort('late');
    expect(scope.aborted).toBe(false);
  });
});
