import type { Clock } from '../clock/clock.ts';
import type { Random } from '../clock/random.ts';
import { systemRandom } from '../clock/random.ts';
import { systemClock } from '../clock/system-clock.ts';
import { ConfigError } from '../errors/errors.ts';

/**
 * Bounds for a numeric option. All optional; a number is finite unless `allowInfinity` is set.
 * `min` and `greaterThan` may both be given (a duration, >= 0 by nature, that must also be > 0):
 * the stricter one applies and is the only one the message names.
 */
export interface NumberRule {
  /** Smallest allowed value (inclusive). */
  readonly min?: number;
  /** Largest allowed value (inclusive). */
  readonly max?: number;
  /** The value must be strictly greater than this. */
  readonly greaterThan?: number;
  /** Only whole numbers. */
  readonly integer?: boolean;
  /** Accept `Infinity` (e.g. "no limit"); never `-Infinity`, and not when `max` is set. */
  readonly allowInfinity?: boolean;
}

/**
 * Validates one factory's options with uniform messages. Every method returns the checked value
 * (or `fallback` when the value is `undefined` and a fallback is given) and throws a
 * {@link ConfigError} naming the owner, the option, the value received and what is allowed.
 * Numbers come back with `-0` turned into `0`, so a snapshot built from them survives
 * `JSON.parse(JSON.stringify(...))` unchanged. Only real numbers pass: a string, a boxed number or
 * an object with a `valueOf` is refused without being converted (its `valueOf` is never called).
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
  /** A {@link Clock} (an object with `now` and `sleep` methods); `undefined` gives `systemClock`. */
  clock(name: string, value: unknown): Clock;
  /** A {@link Random} (a function); `undefined` gives `systemRandom`. */
  random(name: string, value: unknown): Random;
  /** Throws the owner's ConfigError for a rule the methods above cannot express. */
  fail(name: string, value: unknown, expected: string): never;
}

/** Creates the {@link OptionChecker} for the factory or function named `owner`. */
export function optionChecker(owner: string): OptionChecker {
  const fail = (option: string, value: unknown, expected: string): never => {
    throw new ConfigError({ owner, option, value, expected });
  };
  // `integer` and `nonNegative` are flags rather than merged rules: no object is built per call.
  const check = (
    name: string,
    value: unknown,
    rule: NumberRule,
    fallback: number | undefined,
    integer: boolean,
    nonNegative: boolean,
  ): number => {
    if (value === undefined && fallback !== undefined) return fallback;
    const wholeOnly = integer || rule.integer === true;
    const min = rule.min ?? (nonNegative ? 0 : undefined);
    const ok =
      typeof value === 'number' &&
      !Number.isNaN(value) &&
      (Number.isFinite(value) || (value === Number.POSITIVE_INFINITY && rule.allowInfinity === true)) &&
      (!wholeOnly || Number.isInteger(value) || value === Number.POSITIVE_INFINITY) &&
      (min === undefined || value >= min) &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.greaterThan === undefined || value > rule.greaterThan);
    // `+ 0` turns -0 into 0 (and leaves every other number as it is).
    if (ok) return (value as number) + 0;
    // Only the failure path builds the combined rule, for the message.
    const described: NumberRule = {
      ...rule,
      ...(min === undefined ? {} : { min }),
      ...(wholeOnly ? { integer: true } : {}),
    };
    return fail(name, value, describeRule(described));
  };
  const number = (name: string, value: unknown, rule: NumberRule = NO_RULE, fallback?: number): number =>
    check(name, value, rule, fallback, false, false);
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
    integer: (name, value, rule = NO_RULE, fallback) => check(name, value, rule, fallback, true, false),
    duration: (name, value, rule = NO_RULE, fallback) => check(name, value, rule, fallback, false, true),
    rate: (name, value, fallback) => check(name, value, UNIT, fallback, false, false),
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
    clock(name, value) {
      if (value === undefined) return systemClock;
      const candidate = value as Partial<Clock> | null;
      return typeof candidate?.now === 'function' && typeof candidate.sleep === 'function'
        ? (value as Clock)
        : fail(name, value, 'a Clock (an object with now() and sleep(ms, signal))');
    },
    random(name, value) {
      if (value === undefined) return systemRandom;
      return typeof value === 'function'
        ? (value as Random)
        : fail(name, value, 'a function returning a number in [0, 1)');
    },
    fail,
  };
}

const NO_RULE: NumberRule = Object.freeze({});
const UNIT: NumberRule = Object.freeze({ min: 0, max: 1 });

/**
 * "an integer >= 1", "a number between 0 and 1", "a finite number > 0 and <= 100", ...: one
 * phrase with at most one lower and one upper bound. Of `min` and `greaterThan` only the stricter
 * is named; "(or Infinity)" only when Infinity passes (no `max`).
 *
 * @throws RangeError when no number satisfies the rule (a bug in the rule, not in the value).
 */
export function describeRule(rule: NumberRule): string {
  const infinity = rule.allowInfinity === true && rule.max === undefined;
  const kind = rule.integer === true ? 'an integer' : infinity ? 'a number' : 'a finite number';
  // The effective lower bound: `> g` is stricter than `>= m` unless m > g.
  let lower: { readonly value: number; readonly strict: boolean } | undefined;
  if (rule.greaterThan !== undefined) lower = { value: rule.greaterThan, strict: true };
  if (rule.min !== undefined && (lower === undefined || rule.min > lower.value)) {
    lower = { value: rule.min, strict: false };
  }
  const max = rule.max;
  let bounds = '';
  if (lower !== undefined && max !== undefined) {
    if (lower.value > max || (lower.strict && lower.value === max)) {
      throw new RangeError(`describeRule: no number satisfies ${JSON.stringify(rule)}`);
    }
    if (lower.strict) bounds = ` > ${lower.value} and <= ${max}`;
    else bounds = lower.value === max ? ` equal to ${max}` : ` between ${lower.value} and ${max}`;
  } else if (lower !== undefined) {
    bounds = ` ${lower.strict ? '>' : '>='} ${lower.value}`;
  } else if (max !== undefined) {
    bounds = ` <= ${max}`;
  }
  return infinity ? `${kind}${bounds} (or Infinity)` : `${kind}${bounds}`;
}
