import type { Disposer, Listener } from '@sentinel/core';
import {
  BreakerEvents,
  type CloseEvent,
  type EventName,
  emitterOf,
  type FailureEvent,
  type HalfOpenEvent,
  type OpenEvent,
  type RejectEvent,
  type StateChangeEvent,
  type SuccessEvent,
} from './events.ts';

type Subscribe<T> = (listener: Listener<T>) => Disposer;

/**
 * The breaker's `on*` methods. Each is a getter returning its emitter's bound `subscribe`, so
 * `const { onOpen } = breaker` works like any core `onX`, while a breaker nobody listens to
 * carries no emitter at all (seven eager emitters would triple the size of a small breaker).
 */
export class EventSource {
  /** Created on the first `on*` access. */
  protected events: BreakerEvents | undefined;

  get onStateChange(): Subscribe<StateChangeEvent> {
    return this.#emitter('stateChange').subscribe;
  }
  get onOpen(): Subscribe<OpenEvent> {
    return this.#emitter('open').subscribe;
  }
  get onHalfOpen(): Subscribe<HalfOpenEvent> {
    return this.#emitter('halfOpen').subscribe;
  }
  get onClose(): Subscribe<CloseEvent> {
    return this.#emitter('close').subscribe;
  }
  get onReject(): Subscribe<RejectEvent> {
    return this.#emitter('reject').subscribe;
  }
  get onSuccess(): Subscribe<SuccessEvent> {
    return this.#emitter('success').subscribe;
  }
  get onFailure(): Subscribe<FailureEvent> {
    return this.#emitter('failure').subscribe;
  }

  #emitter<K extends EventName>(name: K) {
    if (this.events === undefined) this.events = new BreakerEvents();
    return emitterOf(this.events, name);
  }
}
