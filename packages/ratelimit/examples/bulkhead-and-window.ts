import { compose } from '@sentinel/core';
import { concurrency, rateLimit, slidingWindow } from '@sentinel/ratelimit';

// A partner API allows 5,000 calls per hour and at most 4 at once.
export const partnerApi = compose(
  rateLimit({ limiter: slidingWindow({ limit: 5_000, windowMs: 3_600_000 }), mode: 'reject' }),
  concurrency({ max: 4, maxQueue: 100 }),
);
