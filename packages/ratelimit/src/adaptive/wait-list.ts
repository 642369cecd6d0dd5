interface Waiter {
  readonly grant: (inFlight: number) => void;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * Callers waiting for a slot, in arrival order. A caller whose signal aborts leaves at once
 * (rejected with the signal's reason) wherever it stands; a granted one loses its abort listener,
 * so nothing outlives the wait.
 */
export class WaitList {
  /** Callers waiting. */
  size = 0;
  #head: Waiter | undefined;
  #tail: Waiter | undefined;

  /** Resolves, with the calls in flight once it is admitted, when {@link WaitList.grantNext} reaches this caller. */
  wait(signal: AbortSignal | undefined): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const onAbort =
        signal === undefined
          ? undefined
          : () => {
              this.#unlink(waiter);
              reject(signal.reason);
            };
      const waiter: Waiter = { grant: resolve, signal, onAbort, prev: this.#tail, next: undefined };
      if (this.#tail === undefined) this.#head = waiter;
      else this.#tail.next = waiter;
      this.#tail = waiter;
      this.size++;
      if (signal !== undefined) signal.addEventListener('abort', onAbort as () => void, { once: true });
    });
  }

  /** Grants a slot to the caller waiting longest (`inFlight` counts it); false when nobody waits. */
  grantNext(inFlight: number): boolean {
    const head = this.#head;
    if (head === undefined) return false;
    this.#unlink(head);
    if (head.onAbort !== undefined) head.signal?.removeEventListener('abort', head.onAbort);
    head.grant(inFlight);
    return true;
  }

  #unlink(waiter: Waiter): void {
    if (waiter.prev === undefined) this.#head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.#tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = undefined;
    waiter.next = undefined;
    this.size--;
  }
}
