import { isRetryableStatusError, type RetryableStatusError, resolveAdapterOptions } from '@sentinel/http/adapter';
import axios, { type AxiosAdapter, type AxiosInstance, type AxiosResponse, CanceledError, getAdapter } from 'axios';
import { AxiosCall } from './axios-call.ts';
import { overriddenStack, replacesLayers, type SentinelAxiosOptions } from './options.ts';

/**
 * What {@link withSentinel} returns: call it (or `dispose()`, or let `using` do it) to take the
 * policies off the instance again.
 */
export interface SentinelAxiosHandle {
  (): void;
  dispose(): void;
  [Symbol.dispose](): void;
}

/**
 * Installs Sentinel policies on an axios instance by wrapping its adapter, composed as
 * retry → breaker → rate limit → `policies` → per-attempt timeout. Every attempt re-runs the real
 * adapter (interceptors run once per logical request, as the caller expects), on a fresh copy of
 * the config. What the caller sees is what plain axios would give: the response, or the same
 * `AxiosError` for a status `validateStatus` refuses (after retries), `CanceledError` on abort,
 * or a Sentinel `RejectedError` when a policy refuses the call (an open circuit).
 *
 * Safe by default: a request is sent again after it may have reached the server only when its
 * method is idempotent, it carries an idempotency key, or `config.sentinel.idempotent` says so; a
 * stream body is sent once; cancellations are never retried.
 *
 * @returns a handle that restores the instance's previous adapter.
 * @throws ConfigError at construction for an invalid option; TypeError when `instance` is not an axios instance.
 */
export function withSentinel(instance: AxiosInstance, options?: SentinelAxiosOptions): SentinelAxiosHandle {
  if (typeof instance?.request !== 'function' || typeof instance.defaults !== 'object') {
    throw new TypeError('withSentinel: the first argument must be an axios instance (axios.create() or axios itself)');
  }
  const resolved = resolveAdapterOptions('withSentinel', options);
  const original = instance.defaults.adapter;

  const sentinelAdapter: AxiosAdapter = async (config) => {
    // An already-aborted request is never sent, takes no permit and counts for no breaker; it
    // rejects as plain axios does, even over a transport that ignores signals. (axios checks this
    // before calling an adapter too; the adapter can also be called directly.)
    if ((config.signal as { aborted?: boolean } | undefined)?.aborted === true) {
      throw new CanceledError(undefined, config);
    }
    const transport = getAdapter(original ?? axios.defaults.adapter, config);
    const overrides = config.sentinel;
    if (overrides === false) return transport(config);
    const stack =
      overrides !== undefined && replacesLayers(overrides)
        ? overriddenStack(resolved.layers, overrides)
        : resolved.stack;
    const call = new AxiosCall(transport, config, resolved, overrides);
    let response: AxiosResponse;
    try {
      response = await stack.execute((context) => call.attempt(context), { signal: call.signal });
    } catch (error) {
      if (!isRetryableStatusError(error)) throw call.translate(error);
      // The policies gave up on a "try again later" status: that response is the answer.
      response = call.claim((error as RetryableStatusError<AxiosResponse>).response);
    } finally {
      call.finish();
    }
    return call.settle(response);
  };

  instance.defaults.adapter = sentinelAdapter;
  let installed = true;
  const dispose = () => {
    if (!installed) return;
    installed = false;
    // Only undo our own installation: another wrapper installed later stays in place.
    if (instance.defaults.adapter !== sentinelAdapter) return;
    if (original === undefined) delete instance.defaults.adapter;
    else instance.defaults.adapter = original;
  };
  return Object.assign(dispose, { dispose, [Symbol.dispose]: dispose });
}
