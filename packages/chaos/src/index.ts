/**
 * `@sentinel/chaos`: fault injection for testing resilience — a real HTTP server on loopback
 * sockets that injects the failures the network produces (statuses, 429s with Retry-After,
 * latency, resets, hangs, slow, truncated, oversized and compressed bodies, redirects), and the
 * in-process `chaos()` policy. Both are deterministic under a seed.
 */
export { type ChaosPolicy, chaos } from './policy/chaos.ts';
export { ChaosError, isChaosError } from './policy/errors.ts';
export type { ChaosInjectEvent } from './policy/events.ts';
export type { ChaosOptions } from './policy/options.ts';
export { seededRandom } from './random/seeded-random.ts';
export type { Capacity } from './server/capacity.ts';
export { type ChaosServer, type ChaosServerOptions, startChaosServer } from './server/chaos-server.ts';
export type {
  CompressedFault,
  EchoBody,
  EchoFault,
  Fault,
  FaultControls,
  HangFault,
  Latency,
  OversizedBodyFault,
  RateLimitFault,
  RedirectFault,
  ResetBeforeHeadersFault,
  ResetMidBodyFault,
  SlowBodyFault,
  StatusFault,
  TruncatedBodyFault,
} from './server/faults.ts';
export type { ChaosStats } from './server/stats.ts';
