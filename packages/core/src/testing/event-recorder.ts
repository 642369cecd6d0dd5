/** One event seen by an {@link EventRecorder}. */
export interface RecordedEvent {
  readonly name: string;
  readonly payload: unknown;
}

/**
 * Collects events from any number of `on*` methods in the order they fire, for assertions.
 *
 * @example
 * const events = new EventRecorder();
 * breaker.onOpen(events.listener('open'));
 * breaker.onClose(events.listener('close'));
 * // ...
 * expect(events.names()).toEqual(['open', 'close']);
 */
export class EventRecorder {
  readonly #events: RecordedEvent[] = [];

  /** Everything recorded so far, oldest first. */
  get events(): readonly RecordedEvent[] {
    return this.#events;
  }

  /** A listener that records each payload under `name`. */
  listener<T>(name: string): (payload: T) => void {
    return (payload) => {
      this.#events.push({ name, payload });
    };
  }

  /** The names of the recorded events, in order. */
  names(): string[] {
    return this.#events.map((event) => event.name);
  }

  /** The payloads recorded under `name`, in order. */
  payloads<T = unknown>(name: string): T[] {
    return this.#events.filter((event) => event.name === name).map((event) => event.payload as T);
  }

  /** Forgets everything recorded. */
  clear(): void {
    this.#events.length = 0;
  }
}
