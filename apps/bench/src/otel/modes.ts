/**
 * Which instrumentation is on. Instrumentation is process-wide (diagnostics_channel), so the
 * suite cannot give each case its own: every case switches to its mode before its batch, and
 * this owns the disposers of whatever the previous mode set up.
 */
import { channel, subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import type { Disposer } from '@sentinel/core';
import { instrumentPolicy, instrumentSentinel } from '@sentinel/otel';
import type { BenchSdk } from './sdk.ts';

/**
 * `off`: nothing subscribed. `listened`: empty listeners on the client's channels (its cost of
 * publishing). `metrics`, `traces`, `both`: `instrumentSentinel` with those providers (and
 * `instrumentPolicy` on the policies when metrics are on). `tenth`: both, 10 % sampled.
 * `propagate`: both, with `propagate: true`.
 */
export type Mode = 'off' | 'listened' | 'metrics' | 'traces' | 'both' | 'tenth' | 'propagate';

const CHANNELS = ['start', 'request', 'response', 'error', 'decision', 'end'];

/** The client's channels that have a subscriber now. */
export const subscribedChannels = (): string[] =>
  CHANNELS.filter((name) => channel(`sentinel:client:${name}`).hasSubscribers);

const ignore = () => {};

/**
 * A switch starting at `off`; switching to the current mode does nothing, so the per-call cost
 * in a batch is one comparison. `policies` are instrumented in the modes with metrics.
 */
export function createModeSwitch(sdk: BenchSdk, policies: Readonly<Record<string, object>>): (next: Mode) => void {
  let mode: Mode = 'off';
  let active: Disposer[] = [];
  return (next: Mode) => {
    if (mode === next) return;
    for (const disposer of active) disposer.dispose();
    active = [];
    mode = next;
    if (next === 'off') return;
    if (next === 'listened') {
      for (const name of CHANNELS) subscribe(`sentinel:client:${name}`, ignore);
      const dispose = () => {
        for (const name of CHANNELS) unsubscribe(`sentinel:client:${name}`, ignore);
      };
      active = [{ dispose, [Symbol.dispose]: dispose }];
      return;
    }
    // "Not given" is what a user without that SDK has: the API's no-op global providers.
    const meters: MeterProvider | undefined = next === 'traces' ? undefined : sdk.meterProvider;
    const tracers: TracerProvider | undefined =
      next === 'metrics' ? undefined : next === 'tenth' ? sdk.tenth : sdk.every;
    active = [instrumentSentinel({ meterProvider: meters, tracerProvider: tracers, propagate: next === 'propagate' })];
    if (meters !== undefined) {
      for (const [name, policy] of Object.entries(policies)) {
        active.push(instrumentPolicy(policy, { name, meterProvider: meters }));
      }
    }
  };
}
