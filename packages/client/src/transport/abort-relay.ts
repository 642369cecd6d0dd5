/** Something in flight that an abort must reach. */
export interface Abortable {
  abort(reason: unknown): void;
}

// One 'abort' listener per signal, shared by every request that follows it: a caller who passes
// the same signal with thousands of requests (a load test's stop signal, a worker's context)
// pays a Set insert and delete per request instead of an EventTarget listener added and removed
// (several µs each). The listener stays until the signal is collected; the set empties as
// requests end.
const followers = new WeakMap<AbortSignal, Set<Abortable>>();

function relayOf(signal: AbortSignal): Set<Abortable> {
  let set = followers.get(signal);
  if (set === undefined) {
    const created = new Set<Abortable>();
    set = created;
    followers.set(signal, created);
    signal.addEventListener(
      'abort',
      () => {
        // A copy: an abort may end requests that leave (and others may follow) meanwhile.
        const targets = [...created];
        created.clear();
        for (const target of targets) target.abort(signal.reason);
      },
      { once: true },
    );
  }
  return set;
}

/** The followers of one signal: `delete(target)` stops relaying to it. Idempotent. */
export interface Relay {
  delete(target: Abortable): boolean;
}

/**
 * `target.abort(signal.reason)` once `signal` aborts, unless it left the returned relay first. The
 * signal must not be aborted yet (check before following: an aborted signal never fires again).
 * Returns the signal's relay (one per signal): a follower keeps it and leaves with
 * `relay.delete(target)`, with no second lookup.
 */
export function follow(signal: AbortSignal, target: Abortable): Relay {
  const relay = relayOf(signal);
  relay.add(target);
  return relay;
}
