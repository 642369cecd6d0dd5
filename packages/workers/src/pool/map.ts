import { optionChecker } from '@sentinel/core';
import { PoolClosedError } from '../errors.ts';
import { checkMapArguments, type MapOptions, type MapResult, mapResult, ResultBuffer } from './map-results.ts';
import { type MapFunction, type MapScheduler, MapTask } from './map-task.ts';
import type { Task } from './task.ts';

const check = optionChecker('pool.map');

type Source<T> =
  | { readonly sync: true; readonly it: Iterator<T> }
  | { readonly sync: false; readonly it: AsyncIterator<T> };

/**
 * One `pool.map` iteration: pulls the source lazily, keeps at most `size` items running and
 * `size` finished results buffered, and yields results in completion or input order.
 */
class MapIteration<W, T, R> implements AsyncIterableIterator<unknown> {
  readonly fn: MapFunction<T, W, R>;
  readonly #pool: MapScheduler<W>;
  readonly #items: Iterable<T> | AsyncIterable<T>;
  readonly #userSignal: AbortSignal | undefined;
  readonly #live = new Set<MapTask<W, T>>();
  #source: Source<T> | undefined;
  #started = false;
  #pulled = 0;
  #running = 0;
  #pulling = false;
  #pumping = false;
  #sourceDone = false;
  #stopped = false;
  #closedSource = false;
  // Deferred: thrown once what had finished is yielded. Immediate: the user's abort.
  #failure: { error: unknown } | undefined;
  #aborted: { error: unknown } | undefined;
  readonly #results: ResultBuffer<T, R>;
  #wake: (() => void) | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #onUserAbort = () => this.#abort((this.#userSignal as AbortSignal).reason);

  constructor(
    pool: MapScheduler<W>,
    items: Iterable<T> | AsyncIterable<T>,
    fn: MapFunction<T, W, R>,
    ordered: boolean,
    signal: AbortSignal | undefined,
  ) {
    this.#pool = pool;
    this.#items = items;
    this.fn = fn;
    this.#results = new ResultBuffer(ordered);
    this.#userSignal = signal;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  // Calls are serialised: a next() that overlaps another waits its turn, as with async generators.
  next(): Promise<IteratorResult<MapResult<T, R>>> {
    const result = this.#chain.then(() => this.#next());
    this.#chain = result.catch(() => undefined);
    return result;
  }

  return(): Promise<IteratorResult<MapResult<T, R>>> {
    const result = this.#chain.then(async () => {
      await this.#stop(undefined);
      return { done: true as const, value: undefined };
    });
    this.#chain = result.catch(() => undefined);
    return result;
  }

  async #next(): Promise<IteratorResult<MapResult<T, R>>> {
    if (!this.#started) this.#start();
    for (;;) {
      if (this.#aborted !== undefined) {
        await this.#stop(this.#aborted.error);
        throw this.#aborted.error;
      }
      const result = this.#results.take();
      if (result !== undefined) {
        this.#pump();
        return { done: false, value: result };
      }
      if (this.#running === 0 && !this.#pulling && (this.#sourceDone || this.#failure !== undefined || this.#stopped)) {
        const failure = this.#failure;
        await this.#stop(undefined);
        if (failure !== undefined) {
          this.#failure = undefined;
          throw failure.error;
        }
        return { done: true, value: undefined };
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  #start(): void {
    this.#started = true;
    const signal = this.#userSignal;
    if (signal?.aborted) {
      this.#aborted = { error: signal.reason };
      return;
    }
    if (this.#pool.closed) {
      this.#failure = { error: new PoolClosedError() };
      this.#sourceDone = true;
      return;
    }
    try {
      const items = this.#items as Partial<AsyncIterable<T> & Iterable<T>>;
      this.#source =
        typeof items[Symbol.asyncIterator] === 'function'
          ? { sync: false, it: (items[Symbol.asyncIterator] as () => AsyncIterator<T>).call(items) }
          : { sync: true, it: (items[Symbol.iterator] as () => Iterator<T>).call(items) };
    } catch (error) {
      this.#failure = { error };
      this.#sourceDone = true;
      return;
    }
    signal?.addEventListener('abort', this.#onUserAbort, { once: true });
    this.#pump();
  }

  /** Pulls and submits items while there is room: `size` running, `2 × size` pulled but not yielded. */
  #pump(): void {
    // Re-entered when a synchronous item ends inside submit(): the running loop carries on instead.
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      this.#fill();
    } finally {
      this.#pumping = false;
    }
  }

  #fill(): void {
    const size = this.#pool.size;
    while (
      !this.#stopped &&
      !this.#sourceDone &&
      !this.#pulling &&
      this.#failure === undefined &&
      this.#aborted === undefined &&
      this.#running < size &&
      this.#running + this.#results.size < 2 * size
    ) {
      const source = this.#source as Source<T>;
      if (source.sync) {
        let step: IteratorResult<T>;
        try {
          step = source.it.next();
        } catch (error) {
          this.#sourceFailed(error);
          return;
        }
        if (step.done === true) this.#sourceDone = true;
        else this.#submit(step.value);
        continue;
      }
      this.#pulling = true;
      let pending: Promise<IteratorResult<T>>;
      try {
        pending = Promise.resolve(source.it.next());
      } catch (error) {
        this.#pulling = false;
        this.#sourceFailed(error);
        return;
      }
      pending.then(
        (step) => {
          this.#pulling = false;
          if (step.done === true) this.#sourceDone = true;
          else if (this.#stopped || this.#aborted !== undefined) {
            // Pulled while stopping: the item is dropped, like a generator's pending value on return().
          } else this.#submit(step.value);
          this.#pump();
          this.#notify();
        },
        (error: unknown) => {
          this.#pulling = false;
          this.#sourceFailed(error);
          this.#notify();
        },
      );
      return;
    }
  }

  #sourceFailed(error: unknown): void {
    this.#sourceDone = true;
    this.#closedSource = true; // an iterator that threw is finished; return() must not be called
    this.#failure ??= { error };
  }

  #submit(item: T): void {
    const task = new MapTask<W, T>(this as never, item, this.#pulled++);
    this.#running++;
    this.#live.add(task);
    this.#pool.submit(task, false);
  }

  answered(task: MapTask<W, T>, ok: boolean, value: unknown): void {
    if (this.#stopped || this.#aborted !== undefined) return;
    if (!ok && task.workerIndex === -1) {
      // Never ran: the pool closed under the map. Stop pulling; yield what finished, then throw.
      this.#failure ??= { error: value };
      return;
    }
    this.#results.add(mapResult(task.item, task.index, task.workerIndex, task.runMs, ok, value));
  }

  ended(task: MapTask<W, T>): void {
    this.#live.delete(task);
    this.#running--;
    this.#pump();
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #abort(reason: unknown): void {
    if (this.#stopped || this.#aborted !== undefined) return;
    this.#aborted = { error: reason };
    this.#cancelLive(reason);
    this.#notify();
  }

  #cancelLive(reason: unknown): void {
    for (const task of [...this.#live]) this.#pool.cancel(task as unknown as Task<W>, reason);
  }

  /** Stops pulling, aborts running items, waits until they settled, closes the source. Idempotent. */
  async #stop(reason: unknown): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      this.#userSignal?.removeEventListener('abort', this.#onUserAbort);
      // A break aborts with the platform's default reason, as AbortController.abort() would.
      this.#cancelLive(reason ?? new DOMException('The map was stopped.', 'AbortError'));
    }
    while (this.#running > 0 || this.#pulling) {
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    this.#results.clear();
    if (!this.#closedSource && !this.#sourceDone && this.#source !== undefined) {
      this.#closedSource = true;
      await this.#source.it.return?.();
    }
  }
}

/** `pool.map`: validates its arguments at once (a ConfigError), then iterates lazily. */
export function mapOverPool<W, T, R>(
  pool: MapScheduler<W>,
  items: Iterable<T> | AsyncIterable<T>,
  fn: MapFunction<T, W, R>,
  options?: MapOptions,
): AsyncIterableIterator<MapResult<T, Awaited<R>>> {
  const { ordered, signal } = checkMapArguments(check, items, options);
  check.function('fn', fn);
  return new MapIteration<W, T, R>(pool, items, fn, ordered, signal) as unknown as AsyncIterableIterator<
    MapResult<T, Awaited<R>>
  >;
}
