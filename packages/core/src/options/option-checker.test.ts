import { describe, expect, it, vi } from 'vitest';
import { systemRandom } from '../clock/random.ts';
import { systemClock } from '../clock/system-clock.ts';
import { ConfigError } from '../errors/errors.ts';
import { describeRule, type NumberRule, optionChecker } from './option-checker.ts';

const check = optionChecker('widget');

function messageOf(thunk: () => unknown): string {
  try {
    thunk();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('optionChecker', () => {
  it.each([
    [{}, 'a finite number'],
    [{ integer: true, min: 1 }, 'an integer >= 1'],
    [{ min: 0, max: 1 }, 'a finite number between 0 and 1'],
    [{ max: 10 }, 'a finite number <= 10'],
    [{ greaterThan: 0 }, 'a finite number > 0'],
    [{ greaterThan: 0, max: 5 }, 'a finite number > 0 and <= 5'],
    [{ integer: true, min: 1, allowInfinity: true }, 'an integer >= 1 (or Infinity)'],
    [{ allowInfinity: true }, 'a number (or Infinity)'],
    // Regression (issue 15): min and greaterThan together named both bounds ("> 0 and >= 0").
    [{ min: 0, greaterThan: 0, allowInfinity: true }, 'a number > 0 (or Infinity)'],
    [{ min: 5, greaterThan: 0 }, 'a finite number >= 5'],
    [{ min: 0, greaterThan: 0, max: 5 }, 'a finite number > 0 and <= 5'],
    [{ min: 3, max: 3, integer: true }, 'an integer equal to 3'],
    // Infinity is not allowed past a max, so the message does not offer it.
    [{ max: 10, allowInfinity: true }, 'a finite number <= 10'],
  ])('describeRule(%o) is "%s"', (rule, text) => {
    expect(describeRule(rule)).toBe(text);
  });

  it.each([
    ['number', () => check.number('size', 2.5), 2.5],
    ['fallback', () => check.number('size', undefined, {}, 7), 7],
    ['integer', () => check.integer('count', 3, { min: 1 }), 3],
    [
      'integer Infinity when allowed',
      () => check.integer('count', Number.POSITIVE_INFINITY, { min: 1, allowInfinity: true }),
      Number.POSITIVE_INFINITY,
    ],
    ['duration 0', () => check.duration('delayMs', 0), 0],
    ['rate 1', () => check.rate('ratio', 1), 1],
    ['rate fallback', () => check.rate('ratio', undefined, 0.2), 0.2],
    ['boolean', () => check.boolean('enabled', false, true), false],
    ['oneOf', () => check.oneOf('mode', 'wait', ['wait', 'reject']), 'wait'],
    ['oneOf fallback', () => check.oneOf('mode', undefined, ['wait', 'reject'], 'reject'), 'reject'],
  ])('accepts a valid value (%s)', (_, thunk, expected) => {
    expect(thunk()).toBe(expected);
  });

  it.each([
    [() => check.number('size', undefined), 'widget: "size" must be a finite number; received undefined'],
    [() => check.number('size', Number.NaN), 'widget: "size" must be a finite number; received NaN'],
    [() => check.number('size', Number.POSITIVE_INFINITY), 'received Infinity'],
    [() => check.number('size', '3'), 'received "3"'],
    [() => check.number('size', Number.NEGATIVE_INFINITY, { allowInfinity: true }), 'received -Infinity'],
    [() => check.duration('ms', { valueOf: () => 5 }), 'must be a finite number >= 0; received an object (Object)'],
    [() => check.duration('ms', Object(5)), 'received an object (Number)'],
    [() => check.integer('count', 1.5, { min: 1 }), 'widget: "count" must be an integer >= 1; received 1.5'],
    [() => check.integer('count', 0, { min: 1 }), 'received 0'],
    [() => check.number('size', 11, { max: 10 }), 'must be a finite number <= 10; received 11'],
    [() => check.number('size', 0, { greaterThan: 0 }), 'must be a finite number > 0; received 0'],
    [() => check.duration('delayMs', -1), 'widget: "delayMs" must be a finite number >= 0; received -1'],
    [() => check.rate('ratio', 1.5), 'widget: "ratio" must be a finite number between 0 and 1; received 1.5'],
    [() => check.boolean('enabled', 'yes'), 'widget: "enabled" must be true or false; received "yes"'],
    [() => check.function('isFailure', 5), 'widget: "isFailure" must be a function; received 5'],
    [
      () => check.oneOf('mode', 'later', ['wait', 'reject']),
      'widget: "mode" must be one of "wait", "reject"; received "later"',
    ],
    [() => check.options(5 as never), 'widget: "options" must be an options object; received 5'],
    [() => check.options([] as never), 'received an array of length 0'],
    [
      () => check.options({ sizee: 1 }, ['size']),
      'widget: "sizee" must be one of the known options (size); received 1',
    ],
    [
      () => check.fail('trigger', 'x', 'a trigger from triggers/'),
      'widget: "trigger" must be a trigger from triggers/; received "x"',
    ],
  ])('refuses an invalid value with a message naming it (%#)', (thunk, message) => {
    expect(messageOf(thunk)).toContain(message);
  });

  it('clock() and random() accept the injectables and default to the system ones', () => {
    const clock = { now: () => 0, sleep: () => Promise.resolve() };
    const random = () => 0.5;
    expect(check.clock('clock', clock)).toBe(clock);
    expect(check.clock('clock', undefined)).toBe(systemClock);
    expect(check.random('random', random)).toBe(random);
    expect(check.random('random', undefined)).toBe(systemRandom);
    expect(messageOf(() => check.clock('clock', { now: () => 0 }))).toBe(
      'widget: "clock" must be a Clock (an object with now() and sleep(ms, signal)); received an object (Object)',
    );
    expect(messageOf(() => check.random('random', 0.5))).toContain(
      '"random" must be a function returning a number in [0, 1)',
    );
  });

  it('options() turns undefined into an empty object and returns the object given', () => {
    expect(check.options(undefined)).toEqual({});
    const given = { size: 1 };
    expect(check.options(given, ['size'])).toBe(given);
  });

  it('function() returns the function or the fallback', () => {
    const fn = () => 1;
    const fallback = () => 2;
    expect(check.function('f', fn, fallback)).toBe(fn);
    expect(check.function('f', undefined, fallback)).toBe(fallback);
  });

  it('returns 0 for -0, so snapshots built from options survive JSON (issue 15)', () => {
    expect(Object.is(check.number('size', -0), 0)).toBe(true);
    expect(Object.is(check.duration('delayMs', -0), 0)).toBe(true);
    expect(Object.is(check.rate('ratio', -0), 0)).toBe(true);
    expect(Object.is(check.integer('count', -0, { min: 0 }), 0)).toBe(true);
  });

  it('never calls valueOf or toString of the value it refuses', () => {
    const valueOfSpy = vi.fn(() => 1);
    const toStringSpy = vi.fn(() => '1');
    expect(() => check.integer('count', { valueOf: valueOfSpy, toString: toStringSpy }, { min: 1 })).toThrow(
      ConfigError,
    );
    expect(valueOfSpy).not.toHaveBeenCalled();
    expect(toStringSpy).not.toHaveBeenCalled();
  });

  it('refuses values whose own description throws with a ConfigError, not with their error', () => {
    const tagThrows = {
      get [Symbol.toStringTag](): string {
        throw new Error('gotcha');
      },
    };
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    expect(messageOf(() => check.number('size', tagThrows))).toBe(
      'widget: "size" must be a finite number; received an object',
    );
    expect(messageOf(() => check.number('size', proxy))).toBe(
      'widget: "size" must be a finite number; received an object',
    );
    const liar = { [Symbol.toStringTag]: 'Number' };
    expect(messageOf(() => check.number('size', liar))).toContain('received an object (Number)');
  });
});

/*
 * Every message the checker can compose (issue 15): each method over every combination of rule
 * fields that some number satisfies. A message names at most one lower and one upper bound, the
 * lower below the upper, and offers Infinity only when Infinity passes.
 */
describe('optionChecker messages say one thing', () => {
  const values = [undefined, -1, 0, 1, 5];
  const rules: NumberRule[] = [];
  for (const min of values)
    for (const max of values)
      for (const greaterThan of values)
        for (const integer of [undefined, true])
          for (const allowInfinity of [undefined, true]) {
            const rule: Record<string, unknown> = {};
            if (min !== undefined) rule.min = min;
            if (max !== undefined) rule.max = max;
            if (greaterThan !== undefined) rule.greaterThan = greaterThan;
            if (integer !== undefined) rule.integer = integer;
            if (allowInfinity !== undefined) rule.allowInfinity = allowInfinity;
            rules.push(rule as NumberRule);
          }

  const lowerOf = (rule: NumberRule, nonNegative: boolean) => {
    const min = rule.min ?? (nonNegative ? 0 : undefined);
    return { min, greaterThan: rule.greaterThan };
  };
  // Whether some number passes: the largest lower bound below the upper one.
  const satisfiable = (rule: NumberRule, nonNegative: boolean): boolean => {
    const { min, greaterThan } = lowerOf(rule, nonNegative);
    if (rule.max === undefined) return true;
    if (min !== undefined && min > rule.max) return false;
    if (greaterThan !== undefined && greaterThan >= rule.max) return false;
    return true;
  };

  function expectCoherent(expected: string, accepts: (value: number) => boolean): void {
    const lowers = [...expected.matchAll(/(>=?) (-?\d+)/g)];
    const uppers = [...expected.matchAll(/<= (-?\d+)/g)];
    const between = expected.match(/between (-?\d+) and (-?\d+)/);
    expect(lowers.length + (between ? 1 : 0), expected).toBeLessThanOrEqual(1);
    expect(uppers.length + (between ? 1 : 0), expected).toBeLessThanOrEqual(1);
    if (between) expect(Number(between[1]), expected).toBeLessThan(Number(between[2]));
    if (lowers[0] && uppers[0]) expect(Number(lowers[0][2]), expected).toBeLessThan(Number(uppers[0][1]));
    // The bounds named are the bounds applied.
    if (lowers[0]) {
      const bound = Number(lowers[0][2]);
      expect(accepts(lowers[0][1] === '>' ? bound : bound - 1), expected).toBe(false);
      expect(accepts(lowers[0][1] === '>' ? bound + 1 : bound), expected).toBe(true);
    }
    if (uppers[0]) expect(accepts(Number(uppers[0][1]) + 1), expected).toBe(false);
    expect(expected.includes('(or Infinity)'), expected).toBe(accepts(Number.POSITIVE_INFINITY));
  }

  const methods = [
    ['number', false, false],
    ['integer', true, false],
    ['duration', false, true],
  ] as const;
  for (const [method, integer, nonNegative] of methods) {
    it(`${method}(): every satisfiable rule gives one coherent phrase`, () => {
      let checked = 0;
      for (const rule of rules) {
        if (!satisfiable(rule, nonNegative)) continue;
        const accepts = (value: number): boolean => {
          try {
            check[method]('x', value, rule);
            return true;
          } catch {
            return false;
          }
        };
        let expected = '';
        try {
          check[method]('x', Number.NaN, rule);
        } catch (error) {
          expected = (error as ConfigError).expected;
        }
        expect(expected).not.toBe('');
        if (integer) expect(expected.startsWith('an integer')).toBe(true);
        expectCoherent(expected, accepts);
        checked++;
      }
      expect(checked).toBeGreaterThan(200);
    });
  }

  it('rate(): one phrase', () => {
    expect(messageOf(() => check.rate('ratio', 2))).toBe(
      'widget: "ratio" must be a finite number between 0 and 1; received 2',
    );
  });

  it('describeRule refuses a rule no number satisfies (a bug in the rule, not in a value)', () => {
    expect(() => describeRule({ min: 5, max: 1 })).toThrow(RangeError);
    expect(() => describeRule({ greaterThan: 1, max: 1 })).toThrow(RangeError);
  });
});
