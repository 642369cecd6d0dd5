import { compose, isTimeoutError, timeout } from '@sentinel/core';

// Give every call 2 seconds; the work receives a signal that aborts at the deadline.
const pipeline = compose(timeout({ ms: 2_000 }));

export async function loadProfile(fetchProfile: (signal: AbortSignal) => Promise<string>): Promise<string> {
  try {
    return await pipeline.execute((ctx) => fetchProfile(ctx.signal));
  } catch (error) {
    if (isTimeoutError(error)) return 'profile unavailable (timed out)';
    throw error;
  }
}
