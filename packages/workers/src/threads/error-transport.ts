/*
 * Errors across the thread boundary. `postMessage` clones an Error as a plain `Error` (or one of
 * the builtin kinds): its class, `code`, own fields and prototype brands are lost, so
 * `isSentinelError` would fail on the main thread. Here an error is written as data — name,
 * message, stack, its own fields, its `cause` (recursively), and every registry-symbol brand
 * (`Symbol.for` keys, on the instance or anywhere on its prototype chain) — and rebuilt on the
 * other side on a prototype that carries the same name and brands. Core's guards read those
 * brands, and every package's `is*Error` guard is "a brand plus a `code`", so all guards keep
 * working; errors of core and of this package even get their real class back (`instanceof`).
 */
import { ConfigError, RejectedError, SentinelError, TimeoutError } from '@sentinel/core';
import { PoolClosedError, QueueFullError, WorkerCrashedError } from '../errors.ts';

/** A thrown value written for `postMessage`: an error as data, or any other value as it was. */
export type SerializedValue = SerializedError | { readonly t: 'value'; readonly v: unknown };

/** An error written as data. */
export interface SerializedError {
  readonly t: 'error';
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** The builtin it derives from: `'Error'`, `'TypeError'`, ..., `'DOMException'`. */
  readonly base: string;
  /** `Symbol.for` keys found on the prototype chain, with their values. */
  readonly brands: readonly (readonly [string, unknown])[];
  /** `Symbol.for` keys set on the instance itself (e.g. `markNonRetryable`). */
  readonly ownBrands: readonly (readonly [string, unknown])[];
  /** Own enumerable fields (`code`, `status`, `retryAfterMs`, ...), each value written the same way. */
  readonly fields: readonly (readonly [string, SerializedValue])[];
  readonly cause?: SerializedValue;
  /** `AggregateError#errors`. */
  readonly errors?: readonly SerializedValue[];
}

// Causes nest; a cycle or a pathological chain stops here.
const MAX_DEPTH = 16;

const BUILTINS: readonly (readonly [string, ErrorConstructor | AggregateErrorConstructor])[] = [
  ['AggregateError', AggregateError],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
];

/** Writes any thrown value so that {@link deserializeValue} can rebuild it on another thread. */
export function serializeValue(value: unknown): SerializedValue {
  return write(value, 0, new Set());
}

function write(value: unknown, depth: number, seen: Set<object>): SerializedValue {
  if (!isErrorLike(value)) return { t: 'value', v: cloneable(value) ? value : describe(value) };
  if (depth >= MAX_DEPTH || seen.has(value)) return { t: 'value', v: undefined };
  seen.add(value);
  const error = value as Error & { cause?: unknown; errors?: unknown };
  const fields: (readonly [string, SerializedValue])[] = [];
  for (const key of Object.keys(error)) {
    if (key === 'message' || key === 'stack' || key === 'name' || key === 'cause') continue;
    const field = (error as unknown as Record<string, unknown>)[key];
    // Fields that cannot cross (functions, sockets) are left out rather than failing the task.
    if (isErrorLike(field) || cloneable(field)) fields.push([key, write(field, depth + 1, seen)]);
  }
  const serialized: SerializedError = {
    t: 'error',
    name: String(error.name),
    message: String(error.message),
    stack: typeof error.stack === 'string' ? error.stack : undefined,
    base: baseOf(error),
    brands: brandsOf(Object.getPrototypeOf(error)),
    ownBrands: symbolBrands(error),
    fields,
    ...(Object.hasOwn(error, 'cause') ? { cause: write(error.cause, depth + 1, seen) } : {}),
    ...(Array.isArray(error.errors) && error instanceof AggregateError
      ? { errors: error.errors.map((inner: unknown) => write(inner, depth + 1, seen)) }
      : {}),
  };
  seen.delete(value);
  return serialized;
}

/** Rebuilds what {@link serializeValue} wrote. */
export function deserializeValue(value: SerializedValue): unknown {
  if (value.t === 'value') return value.v;
  const error = build(value);
  if (value.stack !== undefined) define(error, 'stack', value.stack);
  for (const [key, field] of value.fields) (error as unknown as Record<string, unknown>)[key] = deserializeValue(field);
  for (const [key, brand] of value.ownBrands) define(error, Symbol.for(key), brand);
  if (value.cause !== undefined) define(error, 'cause', deserializeValue(value.cause));
  if (value.errors !== undefined) define(error, 'errors', value.errors.map(deserializeValue));
  return error;
}

function build(value: SerializedError): Error {
  if (value.base === 'DOMException') return new DOMException(value.message, value.name);
  const builtin = BUILTINS.find(([name]) => name === value.base)?.[1];
  const error =
    builtin === AggregateError
      ? new AggregateError([], value.message)
      : new ((builtin as ErrorConstructor | undefined) ?? Error)(value.message);
  const proto = prototypeFor(value, Object.getPrototypeOf(error) as object);
  if (proto !== Object.getPrototypeOf(error)) Object.setPrototypeOf(error, proto);
  return error;
}

// Errors of core and of this package come back as their own class; any other Sentinel error
// comes back on SentinelError / RejectedError with its name and brands on a synthetic prototype.
const KNOWN: ReadonlyMap<string, object> = new Map<string, object>([
  ['SENTINEL_TIMEOUT', TimeoutError.prototype],
  ['SENTINEL_CONFIG', ConfigError.prototype],
  ['SENTINEL_POOL_CLOSED', PoolClosedError.prototype],
  ['SENTINEL_QUEUE_FULL', QueueFullError.prototype],
  ['SENTINEL_WORKER_CRASHED', WorkerCrashedError.prototype],
]);
const SENTINEL = '@sentinel/core:error';
const REJECTED = '@sentinel/core:rejected';

// One synthetic prototype per kind of error, so errors of one kind share it. Bounded: a program
// that invents error names on the fly gets fresh (uncached) prototypes past the cap.
const synthetic = new Map<string, object>();
const MAX_SYNTHETIC = 256;

function prototypeFor(value: SerializedError, builtin: object): object {
  const has = (key: string) => value.brands.some(([k, v]) => k === key && v === true);
  const code = value.fields.find(([key]) => key === 'code')?.[1];
  const known = code?.t === 'value' && typeof code.v === 'string' ? KNOWN.get(code.v) : undefined;
  const base =
    known !== undefined && (known as Error).name === value.name
      ? known
      : has(REJECTED)
        ? RejectedError.prototype
        : has(SENTINEL)
          ? SentinelError.prototype
          : builtin;
  const missing = value.brands.filter(([key, brand]) => (base as Record<symbol, unknown>)[Symbol.for(key)] !== brand);
  if (missing.length === 0 && (base as Error).name === value.name) return base;
  const cacheKey = JSON.stringify([value.name, value.base, known === base, value.brands]);
  const cached = synthetic.get(cacheKey);
  if (cached !== undefined && Object.getPrototypeOf(cached) === base) return cached;
  const proto = Object.create(base) as object;
  define(proto, 'name', value.name);
  for (const [key, brand] of missing) define(proto, Symbol.for(key), brand);
  if (synthetic.size < MAX_SYNTHETIC) synthetic.set(cacheKey, proto);
  return proto;
}

function isErrorLike(value: unknown): value is object {
  if (value instanceof Error) return true;
  // A Sentinel rejection built without Error's constructor still carries core's brand.
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[Symbol.for(SENTINEL)] === true
  );
}

function baseOf(error: object): string {
  if (typeof DOMException === 'function' && error instanceof DOMException) return 'DOMException';
  for (const [name, builtin] of BUILTINS) if (error instanceof builtin) return name;
  return 'Error';
}

function brandsOf(proto: object | null): (readonly [string, unknown])[] {
  const brands: (readonly [string, unknown])[] = [];
  for (let p = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const [key, value] of symbolBrands(p)) if (!brands.some(([k]) => k === key)) brands.push([key, value]);
  }
  return brands;
}

function symbolBrands(target: object): (readonly [string, unknown])[] {
  const brands: (readonly [string, unknown])[] = [];
  for (const symbol of Object.getOwnPropertySymbols(target)) {
    const key = Symbol.keyFor(symbol);
    const value = Object.getOwnPropertyDescriptor(target, symbol)?.value as unknown;
    if (key !== undefined && isPrimitive(value)) brands.push([key, value]);
  }
  return brands;
}

function isPrimitive(value: unknown): boolean {
  const type = typeof value;
  return value === null || type === 'boolean' || type === 'number' || type === 'string' || type === 'undefined';
}

function cloneable(value: unknown): boolean {
  if (isPrimitive(value) || typeof value === 'bigint') return true;
  if (typeof value !== 'object') return false; // functions, symbols
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}

function describe(value: unknown): string {
  return typeof value === 'function' ? `[function ${value.name || 'anonymous'}]` : String(value);
}

function define(target: object, key: string | symbol, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}
