/**
 * `@sentinel/core/testing`: drive time and randomness by hand in tests of anything built on
 * Sentinel policies, so no test sleeps in real time or depends on chance.
 */
export { EventRecorder, type RecordedEvent } from './event-recorder.ts';
export { flushMicrotasks } from './flush.ts';
export { ManualClock, type RunAllOptions } from './manual-clock.ts';
export { constantRandom, sequenceRandom } from './random.ts';
