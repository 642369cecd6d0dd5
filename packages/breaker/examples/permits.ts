import { type CircuitBreaker, CircuitOpenError, type Permit } from '@sentinel/breaker';

/**
 * For a client that exposes hooks instead of a function to wrap (axios interceptors, undici
 * handlers): take a permit before the request, settle it when the response or the error comes.
 */
export function breakerHooks<Request extends object>(breaker: CircuitBreaker) {
  const permits = new WeakMap<Request, Permit>();
  return {
    onRequest(request: Request): Request {
      const permit = breaker.tryAcquire();
      if (permit === undefined) {
        const { state, retryAfterMs } = breaker.status();
        throw new CircuitOpenError(state === 'closed' ? 'open' : state, retryAfterMs ?? undefined);
      }
      permits.set(request, permit);
      return request;
    },
    onResponse(request: Request, response: { status: number }): void {
      permits.get(request)?.success(response); // judged by the breaker's isFailure
    },
    onError(request: Request, error: unknown): void {
      permits.get(request)?.failure(error);
    },
    onCancel(request: Request): void {
      permits.get(request)?.ignore();
    },
  };
}
