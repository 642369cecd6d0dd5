import type { OptionChecker } from '@sentinel/core';
import { checkMapArguments, type MapOptions, type MapResult, mapResult, ResultBuffer } from '../pool/map-results.ts';

/** A started task: its promise, and (once settled) which thread ran it and for how long. */
export interface StartedTask<R> {
  readonly promise: Promise<R>;
  readonly workerIndex: () => number;
  readonly ms: () => number;
}

/**
 * The scraper pattern over any pool: pulls `items` lazily (never more than `readAhead` items
 * pulled and not yet yielded, so a generator of a million URLs is never drained into memory),
 * starts each with `start(item, signal)`, and yields one {@link MapResult} per item. Leaving the
 * loop early (`break`, a throw, the signal) stops pulling, aborts the tasks still in flight, waits
 * until each has settled, and closes the source iterator.
 */
export async function* mapLazily<I, R>(
  items: Iterable<I> | AsyncIterable<I>,
  start: (item: I, signal: AbortSignal) => StartedTask<R>,
  options: {
    readonly readAhead: number;
    readonly ordered: boolean;
    readonly signal?: AbortSignal;
  },
): AsyncGenerator<MapResult<I, R>, void, undefined> {
  const { readAhead, ordered, signal } = options;
  // Read as properties, not with `in`: a string is iterable too.
  const source = items as Partial<AsyncIterable<I> & Iterable<I>>;
  const iterator =
    typeof source[Symbol.asyncIterator] === 'function'
      ? (items as AsyncIterable<I>)[Symbol.asyncIterator]()
      : (items as Iterable<I>)[Symbol.iterator]();
  const stop = new AbortController();
  const results = new ResultBuffer<I, R>(ordered);
  const inFlight = new Set<Promise<void>>();
  let wake: (() => void) | undefined;
  const onAbort = () => {
    stop.abort(signal?.reason);
    wake?.();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let pulled = 0;
  let yielded = 0;
  let sourceDone = false;

  const launch = (item: I, index: number) => {
    const task = start(item, stop.signal);
    const settle = (ok: boolean, value: unknown) => {
      results.add(mapResult(item, index, task.workerIndex(), task.ms(), ok, value));
      wake?.();
    };
    const tracked = task.promise.then(
      (value) => settle(true, value),
      (error: unknown) => settle(false, error),
    );
    inFlight.add(tracked);
    void tracked.then(() => inFlight.delete(tracked));
  };

  try {
    for (;;) {
      if (signal?.aborted) throw signal.reason;
      while (!sourceDone && pulled - yielded < readAhead) {
        const step = await iterator.next();
        if (step.done === true) sourceDone = true;
        else launch(step.value, pulled++);
        if (signal?.aborted) throw signal.reason;
      }
      const next = results.take();
      if (next !== undefined) {
        yielded++;
        yield next;
        continue;
      }
      if (sourceDone && yielded === pulled) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (inFlight.size > 0) {
      stop.abort(signal?.aborted ? signal.reason : new DOMException('the map was left before its end', 'AbortError'));
      await Promise.all(inFlight);
    }
    if (!sourceDone) await iterator.return?.();
  }
}

/**
 * The thread pool's `map` once its handler name is checked: checks `items` and `options` at once
 * (a ConfigError), then maps lazily, starting each item with `start` (the pool's own closure).
 */
export function mapOnThreads<R>(
  check: OptionChecker,
  items: unknown,
  options: MapOptions | undefined,
  threads: number,
  start: (item: unknown, signal: AbortSignal) => StartedTask<R>,
): AsyncIterable<MapResult<unknown, R>> {
  const { ordered, signal } = checkMapArguments(check, items, options);
  // Every thread busy plus one task queued per thread, so none idles between results. The map
  // bounds itself this way, so its tasks are not counted against maxQueue (as in the async pool).
  const readAhead = 2 * threads;
  return mapLazily(items as Iterable<unknown>, start, {
    readAhead,
    ordered,
    ...(signal === undefined ? {} : { signal }),
  });
}
