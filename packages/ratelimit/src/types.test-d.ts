// Type tests (checked by tsc, never run).
import { compose } from '@sentinel/core';
import { concurrency, keyed, rateLimit, slidingWindow, type TokenBucket, tokenBucket } from './index.ts';

const bucket = tokenBucket({ capacity: 1, refillPerSecond: 1 });
const sync: boolean = bucket.tryAcquire();
void sync;
// Every limiter fits rateLimit, and execute preserves T through compose.
const policy = compose(
  rateLimit({ limiter: bucket }),
  rateLimit({ limiter: slidingWindow({ limit: 1, windowMs: 1 }) }),
  concurrency({ max: 1 }),
);
const value: Promise<string> = policy.execute(async () => 'x');
void value;
// keyed keeps the limiter type.
const hosts = keyed({ create: () => tokenBucket({ capacity: 1, refillPerSecond: 1 }) });
const perHost: TokenBucket = hosts.get('example.com');
const granted: boolean = hosts.tryAcquire('example.com');
void [perHost, granted];
// @ts-expect-error: mode is 'wait' | 'reject'.
rateLimit({ limiter: bucket, mode: 'queue' });
