import { constant, retry } from '@sentinel/backoff';
import { createClient, formatTrace, traceOf } from '@sentinel/client';
import { type Clock, systemClock } from '@sentinel/core';

// Ask one request why it took as long as it did: every layer's decision, in order, timed.
export async function explain(baseUrl: string, path: string, clock: Clock = systemClock): Promise<string> {
  await using client = createClient({
    baseUrl,
    clock,
    retry: retry({ maxAttempts: 3, backoff: constant(250), clock }),
  });
  try {
    const response = await client.get(path, { trace: true });
    return formatTrace(response.trace ?? []);
  } catch (error) {
    // The error the request ends with carries the trace too (and keeps it through JSON.stringify).
    return formatTrace(traceOf(error) ?? []);
  }
}
