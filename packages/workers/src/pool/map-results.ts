import type { OptionChecker } from '@sentinel/core';
import { checkSignal } from './signal.ts';

/*
 * What both pools' `map` share — the async pool's (pool/map.ts) and the thread pool's
 * (threads/map.ts): the options and their checks, the result type, and the buffer of finished
 * results waiting to be yielded in completion or input order. They differ in how a task starts
 * and is cancelled, which stays with each pool.
 */

/** Options of `pool.map`. */
export interface MapOptions {
  /**
   * Yield results in input order instead of completion order. A slow item then holds back the
   * ones after it (at most `size` running plus `size` finished results are kept).
   * @default false
   */
  readonly ordered?: boolean | undefined;
  /**
   * Aborting it stops the map: running items are aborted and the iteration throws `signal.reason`.
   * @default none
   */
  readonly signal?: AbortSignal | undefined;
}

interface MapResultBase<T> {
  /** The input item. */
  readonly item: T;
  /** Its position in the input (0-based). */
  readonly index: number;
  /** The worker that ran it. */
  readonly workerIndex: number;
  /** How long `fn` ran, in ms. */
  readonly ms: number;
}

/** One item's outcome: `ok` with `value`, or not with `error`. */
export type MapResult<T, R> =
  | (MapResultBase<T> & { readonly ok: true; readonly value: R; readonly error: undefined })
  | (MapResultBase<T> & { readonly ok: false; readonly value: undefined; readonly error: unknown });

/** One item's result: `value` is what it returned when `ok`, what it threw otherwise. */
export function mapResult<T, R>(
  item: T,
  index: number,
  workerIndex: number,
  ms: number,
  ok: boolean,
  value: unknown,
): MapResult<T, R> {
  return (
    ok
      ? { item, index, workerIndex, ms, ok: true, value, error: undefined }
      : { item, index, workerIndex, ms, ok: false, value: undefined, error: value }
  ) as MapResult<T, R>;
}

/** Checks a map's `items` and options, the same way for both pools (a ConfigError naming the option). */
export function checkMapArguments(
  check: OptionChecker,
  items: unknown,
  options: MapOptions | undefined,
): { readonly ordered: boolean; readonly signal: AbortSignal | undefined } {
  const candidate = items as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null | undefined;
  if (
    candidate === null ||
    candidate === undefined ||
    (typeof candidate[Symbol.asyncIterator] !== 'function' && typeof candidate[Symbol.iterator] !== 'function')
  ) {
    check.fail('items', items, 'an iterable or async iterable');
  }
  const opts = check.options(options, ['ordered', 'signal']);
  return { ordered: check.boolean('ordered', opts.ordered, false), signal: checkSignal(check, opts.signal) };
}

/**
 * Finished results waiting to be yielded: in completion order, or (`ordered`) by input index,
 * handing out only the next index in turn.
 */
export class ResultBuffer<T, R> {
  readonly #ordered: boolean;
  // Unordered: a queue (an array with a head; it holds a few results at most).
  readonly #ready: (MapResult<T, R> | undefined)[] = [];
  #head = 0;
  // Ordered: results by index, and the next index to hand out.
  readonly #byIndex = new Map<number, MapResult<T, R>>();
  #next = 0;

  constructor(ordered: boolean) {
    this.#ordered = ordered;
  }

  /** Results held (in ordered mode, some may wait for an earlier index). */
  get size(): number {
    return this.#ordered ? this.#byIndex.size : this.#ready.length - this.#head;
  }

  add(result: MapResult<T, R>): void {
    if (this.#ordered) this.#byIndex.set(result.index, result);
    else this.#ready.push(result);
  }

  /** The next result to yield, or `undefined` when there is none (yet). */
  take(): MapResult<T, R> | undefined {
    if (this.#ordered) {
      const result = this.#byIndex.get(this.#next);
      if (result !== undefined) {
        this.#byIndex.delete(this.#next);
        this.#next++;
      }
      return result;
    }
    if (this.#head === this.#ready.length) return undefined;
    const result = this.#ready[this.#head];
    this.#ready[this.#head] = undefined;
    this.#head++;
    if (this.#head === this.#ready.length) this.clear();
    return result;
  }

  /** Drops every result held. */
  clear(): void {
    this.#ready.length = 0;
    this.#head = 0;
    this.#byIndex.clear();
  }
}
