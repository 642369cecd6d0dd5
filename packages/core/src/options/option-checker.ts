import { ConfigError } from '../errors/errors.ts';

/** Bounds for a numeric option. All optional; a number is finite unless `allowInfinity` is set. */
export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** The value must be strictly greater than this. */
  readonly greaterThan?: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Accept `Infinity` (e.g. "no limit"). */
  readonly allowInfinity?: boolean;
}

/**
 * Validates one factory's options with uniform messages. Every method returns the checked value
 * (or `fallback` when the value is `undefined` and a fallback is given) and throws a
 * {@link ConfigError} naming the owner, the option, the value received and what is allowed.
 *
 * @example
 * const check = optionChecker('retry');
 * const maxAttempts = check.integer('maxAttempts', options.maxAttempts, { min: 1 }, 3);
 */
export interface OptionChecker {
  /** The options argument itself: `undefined` becomes `{}`; anything but a plain object throws. Unknown keys throw when `known` is given. */
  options<O extends object>(value: O | undefined, known?: readonly string[]): Partial<O>;
  number(name: string, value: unknown, rule?: NumberRule, fallback?: number): number;
  integer(name: string, value: unknown, rule?: NumberRule, fallback?: number): number;
  /** A duration in milliseconds: a finite number >= 0 unless `rule` narrows it. */
  duration(name: string, value: unknown, rule?: NumberRule, fallback?: number): number;
  /** A rate or ratio in [0, 1]. */
  rate(name: string, value: unknown, fallback?: number): number;
  boolean(name: string, value: unknown, fallback?: boolean): boolean;
  function<F extends (...args: never[]) => unknown>(name: string, value: unknown, fallback?: F): F;
  oneOf<V extends string>(name: string, value: unknown, allowed: readonly V[], fallback?: V): V;
  /** Throws the owner's ConfigError for a rule the methods above cannot express. */
  fail(name: string, value: unknown, expected: string): never;
}

/** Creates the {@link OptionChecker} for the factory or function named `owner`. */
export function optionChecker(owner: string): OptionChecker {
  const fail = (option: string, value: unknown, expected: string): never => {
    throw new ConfigError({ owner, option, value, expected });
  };
  const number = (name: string, value: unknown, rule: NumberRule = {}, fallback?: number): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    const ok =
      typeof value === 'number' &&
      !Number.isNaN(value) &&
      (Number.isFinite(value) || rule.allowInfinity === true) &&
      (rule.integer !== true || Number.isInteger(value) || value === Number.POSITIVE_INFINITY) &&
      (rule.min === undefined || value >= rule.min) &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.greaterThan === undefined || value > rule.greaterThan);
    return ok ? (value as number) : fail(name, value, describeRule(rule));
  };
  return {
    options<O extends object>(value: O | undefined, known?: readonly string[]): Partial<O> {
      if (value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        return fail('options', value, 'an options object');
      }
      if (known !== undefined) {
        for (const key of Object.keys(value)) {
          if (!known.includes(key))
            fail(key, (value as Record<string, unknown>)[key], `one of the known options (${known.join(', ')})`);
        }
      }
      return value;
    },
    number,
    integer: (name, value, rule = {}, fallback) => number(name, value, { ...rule, integer: true }, fallback),
    duration: (name, value, rule = {}, fallback) => number(name, value, { min: 0, ...rule }, fallback),
    rate: (name, value, fallback) => number(name, value, { min: 0, max: 1 }, fallback),
    boolean(name, value, fallback) {
      if (value === undefined && fallback !== undefined) return fallback;
      return typeof value === 'boolean' ? value : fail(name, value, 'true or false');
    },
    function<F extends (...args: never[]) => unknown>(name: string, value: unknown, fallback?: F): F {
      if (value === undefined && fallback !== undefined) return fallback;
      return typeof value === 'function' ? (value as F) : fail(name, value, 'a function');
    },
    oneOf<V extends string>(name: string, value: unknown, allowed: readonly V[], fallback?: V): V {
      if (value === undefined && fallback !== undefined) return fallback;
      return allowed.includes(value as V)
        ? (value as V)
        : fail(name, value, `one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`);
    },
    fail,
  };
}

/** "an integer >= 1", "a number between 0 and 1", "a finite number > 0 and <= 100", ... */
export function describeRule(rule: NumberRule): string {
  const kind = rule.integer === true ? 'an integer' : rule.allowInfinity === true ? 'a number' : 'a finite number';
  const bounds: string[] = [];
  if (rule.greaterThan !== undefined) bounds.push(`> ${rule.greaterThan}`);
  if (rule.min !== undefined && rule.max !== undefined) bounds.push(`between ${rule.min} and ${rule.max}`);
  else if (rule.min !== undefined) bounds.push(`>= ${rule.min}`);
  else if (rule.max !== undefined) bounds.push(`<= ${rule.max}`);
  const text = bounds.length > 0 ? `${kind} ${bounds.join(' and ')}` : kind;
  return rule.allowInfinity === true ? `${text} (or Infinity)` : text;
}
