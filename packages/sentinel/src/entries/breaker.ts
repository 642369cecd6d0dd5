/** `http-sentinel/breaker`: the whole of `@sentinel/breaker`. */
export * from '@sentinel/breaker';
