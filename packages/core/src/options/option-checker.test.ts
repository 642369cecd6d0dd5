import { describe, expect, it } from 'vitest';
import { systemRandom } from '../clock/random.ts';
import { systemClock } from '../clock/system-clock.ts';
import { ConfigError } from '../errors/errors.ts';
import { describeRule, optionChecker } from './option-checker.ts';

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
});
