import { withSentinel } from '@sentinel/axios';
import { circuitBreaker, consecutive } from '@sentinel/breaker';
import axios from 'axios';

export function createApi(baseURL: string) {
  const api = axios.create({ baseURL });
  withSentinel(api, { breaker: circuitBreaker({ trigger: consecutive({ threshold: 5 }), halfOpenAfter: 30_000 }) });
  return api; // after 5 failures in a row, calls fail fast with CircuitOpenError for 30 s
}
