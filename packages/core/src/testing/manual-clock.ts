import { type Clock, ConfigError, MAX_DELAY_MS, rejectInvalidSleep } from '@sentinel/core';
import { flushMicrotasks } from './flush.ts';

function checkTimerMs(owner: string, ms: unknown): void {
  if (typeof ms !== 'number' || Number.isNaN(ms)) {
    throw new ConfigError({ owner, option: 'ms', value: ms, expected: 'a number (below 0 counts as 0)' });
  }
}

interface Sleeper {
  readonly due: number;
  readonly seq: number;
  readonly resolve: () => void;
  readonly detach: () => void;
}

/** Options of {@link ManualClock.runAll}. */
export interface RunAllOptions {
  /**
   * How many sleepers may be woken before `runAll` gives up with an error: a guard against code
   * that schedules a new sleep every time it wakes (an endless retry loop).
   * @default 10_000
   */
  readonly maxSteps?: number;
}

/**
 * A {@link Clock} whose time moves only when a test says so. `sleep` registers a sleeper;
 * `advance(ms)` wakes the due sleepers in time order (ties in the order they slept), setting
 * `now()` to each one's due time and letting promise callbacks run before the next, so code that
 * sleeps again in a loop sees consistent time. Nothing waits in real time.
 *
 * @example
 * const clock = new ManualClock();
 * const done = clock.sleep(1_000);
 * await clock.advance(1_000); // `done` is resolved, clock.now() === 1000
 */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  #sleepers: Sleeper[] = [];
  #advancing = false;

  /** @param startMs - the initial value of `now()`. */
  constructor(startMs = 0) {
    if (typeof startMs !== 'number' || !Number.isFinite(startMs)) {
      throw new ConfigError({ owner: 'ManualClock', option: 'startMs', value: startMs, expected: 'a finite number' });
    }
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  /** Number of sleepers not yet woken or aborted. */
  get pending(): number {
    return this.#sleepers.length;
  }

  /** When the earliest pending sleeper is due, or `undefined` when none is pending. */
  get nextDue(): number | undefined {
    return this.#sleepers[0]?.due;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    const invalid = rejectInvalidSleep('ManualClock.sleep', ms, signal);
    if (invalid !== undefined) return invalid;
    if (ms === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        this.#remove(sleeper);
        reject((signal as AbortSignal).reason);
      };
      const sleeper: Sleeper = {
        // Clamped like systemClock's: a sleep of Infinity wakes after 2^31 − 1 ms there, so it
        // does here (runAll used to move now() to Infinity).
        due: this.#now + Math.min(ms, MAX_DELAY_MS),
        seq: this.#seq++,
        resolve,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#insert(sleeper);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Calls `callback` when time reaches now + `ms` (during `advance`/`runAll`) unless cancelled
   * first. `ms` is clamped to [0, 2^31 − 1] as systemClock's is.
   * @throws ConfigError when `ms` is NaN or not a number (such a timer would never fire).
   */
  timer(ms: number, callback: () => void): () => void {
    checkTimerMs('ManualClock.timer', ms);
    const sleeper: Sleeper = {
      due: this.#now + Math.min(Math.max(0, ms), MAX_DELAY_MS),
      seq: this.#seq++,
      resolve: callback,
      detach: () => {},
    };
    this.#insert(sleeper);
    return () => this.#remove(sleeper);
  }

  /**
   * Moves time forward by `ms`, waking every sleeper due by then in time order. Resolves once
   * they and the promise callbacks they trigger have run; sleeps those callbacks start are woken
   * too when they fall within the window.
   */
  async advance(ms: number): Promise<void> {
    if (typeof ms !== 'number' || !(ms >= 0) || !Number.isFinite(ms)) {
      throw new ConfigError({
        owner: 'ManualClock.advance',
        option: 'ms',
        value: ms,
        expected: 'a finite number >= 0',
      });
    }
    await this.#exclusive(async () => {
      const target = this.#now + ms;
      // Let work started just before this call reach its first sleep.
      await flushMicrotasks();
      for (let next = this.#sleepers[0]; next !== undefined && next.due <= target; next = this.#sleepers[0]) {
        await this.#wake(next);
      }
      this.#now = target;
      await flushMicrotasks();
    });
  }

  /** Wakes sleepers one after another, moving time to each, until none is pending. */
  async runAll(options: RunAllOptions = {}): Promise<void> {
    const maxSteps = options.maxSteps ?? 10_000;
    await this.#exclusive(async () => {
      await flushMicrotasks();
      for (let steps = 0, next = this.#sleepers[0]; next !== undefined; next = this.#sleepers[0]) {
        if (++steps > maxSteps) {
          throw new Error(
            `ManualClock.runAll: still ${this.#sleepers.length} sleeper(s) after ${maxSteps} steps; is something sleeping in an endless loop?`,
          );
        }
        await this.#wake(next);
      }
    });
  }

  async #wake(sleeper: Sleeper): Promise<void> {
    this.#now = Math.max(this.#now, sleeper.due);
    this.#remove(sleeper);
    sleeper.detach();
    sleeper.resolve();
    await flushMicrotasks();
  }

  async #exclusive(body: () => Promise<void>): Promise<void> {
    if (this.#advancing) throw new Error('ManualClock: advance() or runAll() is already running; await it first');
    this.#advancing = true;
    try {
      await body();
    } finally {
      this.#advancing = false;
    }
  }

  // Sorted by (due, seq); binary search keeps many pending sleepers cheap.
  #insert(sleeper: Sleeper): void {
    const list = this.#sleepers;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const other = list[mid] as Sleeper;
      if (other.due < sleeper.due || (other.due === sleeper.due && other.seq < sleeper.seq)) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, sleeper);
  }

  #remove(sleeper: Sleeper): void {
    const index = this.#sleepers.indexOf(sleeper);
    if (index >= 0) this.#sleepers.splice(index, 1);
  }
}
