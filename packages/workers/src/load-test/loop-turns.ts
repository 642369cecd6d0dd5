// Both from node:timers on purpose: they schedule by event-loop phase and measure no time, so
// they are not the Clock's business (a ManualClock could not stand in for them).
import { setImmediate } from 'node:timers';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Requests a worker may see settle in a row within one event-loop turn before it yields. A
 * request that does I/O lets the loop turn by itself; one that settles without I/O (an open
 * breaker, a full limiter, a cached answer) would otherwise keep its worker on microtasks and
 * starve every socket, timer and progress tick of the process.
 */
export const SETTLES_PER_TURN = 16;

/**
 * Counts event-loop turns, cheaply: reading the count arms one immediate (if none is armed)
 * that bumps it, so at most one immediate per turn, however many workers read.
 */
export class LoopTurns {
  #turn = 0;
  #armed = false;
  readonly #onTurn = (): void => {
    this.#armed = false;
    this.#turn++;
  };

  /** Turns seen so far; the next one will be seen too. */
  current(): number {
    if (!this.#armed) {
      this.#armed = true;
      setImmediate(this.#onTurn);
    }
    return this.#turn;
  }
}

/** One worker's requests settled in a row within one event-loop turn. */
export class SettleStreak {
  readonly #turns: LoopTurns;
  #turn: number;
  #streak = 0;

  constructor(turns: LoopTurns) {
    this.#turns = turns;
    this.#turn = turns.current();
  }

  /**
   * A request settled. Returns a promise to await before the next request when the worker has
   * gone {@link SETTLES_PER_TURN} settles without the event loop turning, `undefined` otherwise.
   */
  settled(): Promise<void> | undefined {
    const turn = this.#turns.current();
    if (turn !== this.#turn) {
      this.#turn = turn;
      this.#streak = 0;
      return undefined;
    }
    if (++this.#streak < SETTLES_PER_TURN) return undefined;
    this.#streak = 0;
    return nextTurn();
  }
}
