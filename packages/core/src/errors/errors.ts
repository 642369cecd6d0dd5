/**
 * Sentinel's typed errors. Every error a Sentinel package throws is a {@link SentinelError}: it has a
 * literal `code`, a stable `name`, keeps the original error as `cause`, and carries a brand that the
 * `is*Error` guards check, so a check still works when two copies of a package are installed (where
 * `instanceof` would fail).
 */

// Brands live on prototypes under registry symbols: every installed copy sees the same keys.
const SENTINEL = Symbol.for('@sentinel/core:error');
const REJECTED = Symbol.for('@sentinel/core:rejected');

/** Options every Sentinel error accepts. */
export interface SentinelErrorOptions {
  /** The error this one wraps; kept as `error.cause`. */
  readonly cause?: unknown;
}

/**
 * Base class of every Sentinel error. `code` is a literal string type, stable across versions, so
 * `switch (error.code)` narrows.
 */
export class SentinelError<Code extends string = string> extends Error {
  /** Stable, machine-readable identifier of the failure, e.g. `'SENTINEL_TIMEOUT'`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: SentinelErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
brand(SentinelError, 'SentinelError', SENTINEL);

/** Options of {@link RejectedError}. */
export interface RejectedErrorOptions extends SentinelErrorOptions {
  /** How long until the policy is expected to admit calls again, when it knows. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * A policy refused to run the call at all (circuit open, rate limited, queue full): the operation
 * was never started. `retryAfterMs` says when trying again makes sense, when the policy knows.
 */
export class RejectedError<Code extends string = 'SENTINEL_REJECTED'> extends SentinelError<Code> {
  /** Milliseconds until the policy expects to admit calls again; `undefined` when unknown. */
  readonly retryAfterMs: number | undefined;

  constructor(code: Code, message: string, options?: RejectedErrorOptions) {
    super(code, message, options);
    this.retryAfterMs = options?.retryAfterMs;
  }
}
brand(RejectedError, 'RejectedError', REJECTED);

/** An operation ran past its deadline; its signal was aborted with this error as the reason. */
export class TimeoutError extends SentinelError<'SENTINEL_TIMEOUT'> {
  /** The deadline that passed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(timeoutMs: number, options?: SentinelErrorOptions) {
    super('SENTINEL_TIMEOUT', `operation timed out after ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}
brand(TimeoutError, 'TimeoutError');

/** What {@link ConfigError} reports about the rejected value. */
export interface ConfigErrorDetails {
  /** The factory or function that received the value, e.g. `'retry'`. */
  readonly owner: string;
  /** The option or argument name, e.g. `'maxAttempts'`. */
  readonly option: string;
  /** The value received. */
  readonly value: unknown;
  /** What is allowed, as a phrase: `'an integer >= 1'`. */
  readonly expected: string;
}

/**
 * A configuration value or argument is invalid. Factories throw it synchronously at construction,
 * so a bad value fails where it is written, not at the first call. The message names the owner,
 * the option, the value received and what is allowed.
 */
export class ConfigError extends SentinelError<'SENTINEL_CONFIG'> {
  readonly owner: string;
  readonly option: string;
  readonly value: unknown;
  readonly expected: string;

  constructor(details: ConfigErrorDetails) {
    super(
      'SENTINEL_CONFIG',
      `${details.owner}: "${details.option}" must be ${details.expected}; received ${describeValue(details.value)}`,
    );
    this.owner = details.owner;
    this.option = details.option;
    this.value = details.value;
    this.expected = details.expected;
  }
}
brand(ConfigError, 'ConfigError');

/** True for any error thrown by any installed copy of any Sentinel package. */
export function isSentinelError(error: unknown): error is SentinelError {
  return typeof error === 'object' && error !== null && (error as { [SENTINEL]?: unknown })[SENTINEL] === true;
}

/** True when a policy refused to run the call (circuit open, rate limited, queue full, ...). */
export function isRejectedError(error: unknown): error is RejectedError<string> {
  return typeof error === 'object' && error !== null && (error as { [REJECTED]?: unknown })[REJECTED] === true;
}

/** True for a {@link TimeoutError} from any installed copy. */
export function isTimeoutError(error: unknown): error is TimeoutError {
  return isSentinelError(error) && error.code === 'SENTINEL_TIMEOUT';
}

/** True for a {@link ConfigError} from any installed copy. */
export function isConfigError(error: unknown): error is ConfigError {
  return isSentinelError(error) && error.code === 'SENTINEL_CONFIG';
}

/**
 * Renders a value for an error message: strings quoted, numbers as written (`NaN`, `-Infinity`),
 * other things by their kind, so a message never dumps a large object.
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      // String(), not value.toString(): a patched Symbol.prototype.toString is never called.
      return String(value);
    case 'undefined':
    case 'boolean':
      return String(value);
    default:
      if (value === null) return 'null';
      return describeObject(value as object);
  }
}

/**
 * "an array of length 3", "an object (Map)". Reading an object's tag runs user code (a
 * `Symbol.toStringTag` getter, a Proxy trap; `Array.isArray` throws on a revoked Proxy): a value
 * that throws there is described as "an object", so a message about a bad value never fails
 * with the value's own error instead.
 */
function describeObject(value: object): string {
  try {
    if (Array.isArray(value)) return `an array of length ${value.length}`;
    const tag: unknown = Object.prototype.toString.call(value).slice(8, -1);
    return `an object (${String(tag)})`;
  } catch {
    return 'an object';
  }
}

/**
 * Puts the stable `name` and brands on the prototype rather than on each instance: names survive
 * minifiers that rename classes, and instances stay as small as possible.
 */
function brand(target: { prototype: object }, name: string, symbol?: symbol): void {
  Object.defineProperty(target.prototype, 'name', { value: name, writable: true, configurable: true });
  if (symbol !== undefined) Object.defineProperty(target.prototype, symbol, { value: true });
}
