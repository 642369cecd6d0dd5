import type { Disposer, Listener } from '@sentinel/core';
import {
  BreakerEvents,
  type CloseEvent,
  type EventName,
  type FailureEvent,
  type HalfOpenEvent,
  type OpenEvent,
  type RejectEvent,
  type StateChangeEvent,
  type SuccessEvent,
  subscribe,
} from './events.ts';

/**
 * The breaker's `on*` methods. They live on the prototype (a bound method per event and instance
 * would cost more than the rest of a breaker), so call them on the breaker: `breaker.onOpen(fn)`.
 */
export class EventSource {
  /** Created on the first subscription. */
  protected events: BreakerEvents | undefined;

  onStateChange(listener: Listener<StateChangeEvent>): Disposer {
    return this.#on('stateChange', listener);
  }
  onOpen(listener: Listener<OpenEvent>): Disposer {
    return this.#on('open', listener);
  }
  onHalfOpen(listener: Listener<HalfOpenEvent>): Disposer {
    return this.#on('halfOpen', listener);
  }
  onClose(listener: Listener<CloseEvent>): Disposer {
    return this.#on('close', listener);
  }
  onReject(listener: Listener<RejectEvent>): Disposer {
    return this.#on('reject', listener);
  }
  onSuccess(listener: Listener<SuccessEvent>): Disposer {
    return this.#on('success', listener);
  }
  onFailure(listener: Listener<FailureEvent>): Disposer {
    return this.#on('failure', listener);
  }

  #on<K extends EventName>(name: K, listener: Listener<never>): Disposer {
    if (this.events === undefined) this.events = new BreakerEvents();
    return subscribe(this.events, name, listener as Listener<unknown> as never);
  }
}
