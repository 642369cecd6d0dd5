// Where `pool.map` meets the pool: what the map needs from the pool (MapScheduler), and one map
// item as a pool task (MapTask), which reports back to its map instead of settling a promise.
// Apart from map.ts, which pulls the source, bounds the items in flight and yields results; the
// pool never sees that iteration, only these tasks.

import type { Clock } from '@sentinel/core';
import { Task, type TaskContext } from './task.ts';

/** What a map needs from the pool. */
export interface MapScheduler<W> {
  readonly size: number;
  readonly closed: boolean;
  readonly clock: Clock;
  /** Starts or queues a task; `bounded: false` skips `maxQueue` (a map bounds itself). */
  submit(task: Task<W>, bounded: boolean): void;
  /** Aborts a task as its caller's signal would: a queued one leaves the queue, a running one's context aborts. */
  cancel(task: Task<W>, reason: unknown): void;
}

/** What `pool.map` runs for each item, on a worker's state. */
export type MapFunction<T, W, R> = (item: T, worker: W, context: TaskContext) => R | PromiseLike<R>;

/** The map iteration a {@link MapTask} belongs to: runs its function and hears how it went. */
export interface MapTaskOwner<W, T> {
  readonly fn: MapFunction<T, W, unknown>;
  answered(task: MapTask<W, T>, ok: boolean, value: unknown): void;
  ended(task: MapTask<W, T>): void;
}

/** One map item as a pool task: it answers its map, which yields the result in turn. */
export class MapTask<W, T> extends Task<W> {
  readonly #map: MapTaskOwner<W, T>;
  readonly item: T;
  readonly index: number;

  constructor(map: MapTaskOwner<W, T>, item: T, index: number) {
    // No caller signal: the map cancels its own live tasks when it stops (one listener per task
    // on a shared signal would cost a removal walk each, and trip Node's listener-leak warning).
    super(map.fn as never, undefined);
    this.#map = map;
    this.item = item;
    this.index = index;
  }

  override invoke(state: W): unknown {
    return this.#map.fn(this.item, state, this);
  }

  protected answer(ok: boolean, value: unknown): void {
    this.#map.answered(this, ok, value);
  }

  override ended(): void {
    this.#map.ended(this);
  }
}
