import { adaptiveConcurrency } from '@sentinel/ratelimit';

// A search backend whose capacity moves with its autoscaling: let the limit find it. A 429 or
// 503 (an error with that `status`, as the client's HttpError has) or a timeout shrinks it, rising
// latency too (the gradient), steady success grows it back; at most 200 calls wait for a slot.
export function createSearchLimit(log: (line: string) => void) {
  const limit = adaptiveConcurrency({ algorithm: 'gradient', initial: 10, min: 2, max: 200, maxQueue: 200 });
  limit.onLimitChange(({ from, to, reason }) => log(`search concurrency ${from} → ${to} (${reason})`));
  return limit;
}
