import { capped, decorrelatedJitter, delays, exponential, fullJitter, linear } from '@sentinel/backoff';
import { constantRandom } from '@sentinel/core/testing';

// Schedules are pure functions: print them before you ship them. A constant random makes the
// jittered ones reproducible (0.5 = the middle of each jitter range).
const random = constantRandom(0.5);

export const schedules = {
  exponential: delays(exponential({ initialMs: 100, factor: 2, maxMs: 1_000 }), 6),
  linearCapped: delays(capped(linear({ initialMs: 100, stepMs: 100 }), 250), 4),
  fullJitter: delays(fullJitter(exponential({ initialMs: 100 })), 4, { random }),
  decorrelated: delays(decorrelatedJitter({ initialMs: 100, maxMs: 1_000 }), 4, { random }),
};
