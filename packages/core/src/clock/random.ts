/**
 * A source of uniformly distributed numbers in [0, 1), like `Math.random`. Jittered backoffs and
 * sampling policies take one, so tests can pass `sequenceRandom` / `constantRandom` from
 * `@sentinel/core/testing` and assert exact delays.
 */
export type Random = () => number;

/** The platform's `Math.random`. */
export const systemRandom: Random = () => Math.random();
