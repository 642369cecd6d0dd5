import { createResilientClient, isCircuitOpenError, isHttpError } from 'http-sentinel';

export async function fetchOrder(baseUrl: string, id: number) {
  await using api = createResilientClient({
    preset: 'production', // 5 attempts, full jitter from 50 ms, a breaker per origin after 10 failures
    baseUrl,
    timeouts: { totalMs: 10_000 }, // any preset knob can be overridden…
    headers: { 'user-agent': 'orders/1.0' }, // …and any createClient option passed
  });
  try {
    return await api.get(`/orders/${id}`).then((r) => r.json<{ method: string; url: string }>());
  } catch (error) {
    if (isCircuitOpenError(error)) return undefined; // the origin is failing: fail fast
    if (isHttpError(error) && error.status === 404) return undefined;
    throw error;
  }
}
