/**
 * Every instrument this package records, in one place: the README's metrics table is this list.
 * Names follow the OpenTelemetry semantic conventions where they exist (`http.client.*`), and
 * `sentinel.*` for the resilience layers.
 */
export const METRICS = Object.freeze({
  /** Per attempt (each resend), as the HTTP semantic conventions define it. */
  httpClientRequestDuration: {
    name: 'http.client.request.duration',
    unit: 's',
    description: 'Duration of HTTP client requests: one per attempt (each resend), redirects included.',
  },
  /** Per logical request: every attempt, backoff and wait. */
  clientRequestDuration: {
    name: 'sentinel.client.request.duration',
    unit: 's',
    description: 'Duration of logical requests through a Sentinel client: every attempt, backoff and wait included.',
  },
  retryAttempts: {
    name: 'sentinel.retry.attempts',
    unit: '{attempt}',
    description: 'Attempts started by a retry policy, the first of each call included.',
  },
  retryGiveUps: {
    name: 'sentinel.retry.giveups',
    unit: '{call}',
    description: 'Calls a retry policy ended with a failure, by reason.',
  },
  breakerState: {
    name: 'sentinel.breaker.state',
    unit: '1',
    description: "A circuit breaker's state: 1 for the state it is in, 0 for the others.",
  },
  breakerTransitions: {
    name: 'sentinel.breaker.transitions',
    unit: '{transition}',
    description: 'Circuit breaker state transitions.',
  },
  breakerRejections: {
    name: 'sentinel.breaker.rejections',
    unit: '{call}',
    description: 'Calls a circuit breaker refused.',
  },
  rateLimitWaitDuration: {
    name: 'sentinel.ratelimit.wait.duration',
    unit: 's',
    description: 'Time calls waited for a rate-limit permit (calls granted at once are not recorded).',
  },
  rateLimitRejections: {
    name: 'sentinel.ratelimit.rejections',
    unit: '{call}',
    description: 'Calls a rate limiter refused, by reason.',
  },
  poolQueueSize: {
    name: 'sentinel.pool.queue.size',
    unit: '{task}',
    description: 'Tasks waiting for a free worker.',
  },
  poolTasks: {
    name: 'sentinel.pool.tasks',
    unit: '{task}',
    description: 'Tasks a worker pool finished, by outcome.',
  },
});

/** The semantic conventions' buckets for `http.client.request.duration`, in seconds. */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
]);
