import { retryPresets } from '@sentinel/backoff';
import { isConfigError } from '@sentinel/core';
import { describe, expect, it } from 'vitest';
import { PRESET_NAMES, presets } from './presets.ts';
import { resolveResilientOptions } from './resolve-preset.ts';

function configError(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('presets', () => {
  it('hold the seed values: attempts, base delay, max delay, breaker', () => {
    const table = PRESET_NAMES.map((name) => {
      const p = presets[name];
      return [
        name,
        p.retry.maxAttempts,
        p.retry.baseDelayMs,
        p.retry.maxDelayMs,
        p.breaker ? p.breaker.consecutiveFailures : false,
      ];
    });
    expect(table).toEqual([
      ['development', 3, 100, 30_000, false],
      ['production', 5, 50, 30_000, 10],
      ['hft', 2, 10, 100, 3],
    ]);
  });

  it('agree with @sentinel/backoff retryPresets on attempts', () => {
    for (const name of PRESET_NAMES) expect(presets[name].retry.maxAttempts).toBe(retryPresets[name].maxAttempts);
  });

  it('state every knob explicitly, with full jitter and no rate limit', () => {
    for (const name of PRESET_NAMES) {
      const p = presets[name];
      expect(Object.keys(p).sort()).toEqual(
        ['breaker', 'connections', 'maxRetryAfterMs', 'name', 'rateLimit', 'retry', 'timeouts'].sort(),
      );
      expect(Object.keys(p.retry).sort()).toEqual(['baseDelayMs', 'factor', 'jitter', 'maxAttempts', 'maxDelayMs']);
      expect(Object.keys(p.timeouts).sort()).toEqual(['bodyIdleMs', 'connectMs', 'headersMs', 'totalMs']);
      expect(p.retry.jitter).toBe('full');
      expect(p.rateLimit).toBe(false);
      expect(p.name).toBe(name);
    }
  });

  it('hft has tight timeouts and gives up on any hint longer than its max delay', () => {
    const { timeouts, maxRetryAfterMs, retry } = presets.hft;
    expect(Math.max(timeouts.connectMs, timeouts.headersMs, timeouts.bodyIdleMs)).toBeLessThanOrEqual(250);
    expect(timeouts.totalMs).toBeLessThanOrEqual(1_000);
    expect(maxRetryAfterMs).toBe(retry.maxDelayMs);
  });

  it('an open production breaker (30 s) is longer than the longest hint the retry waits for, so callers fail fast', () => {
    const { breaker, maxRetryAfterMs } = presets.production;
    expect(breaker ? breaker.halfOpenAfterMs : 0).toBeGreaterThan(maxRetryAfterMs);
  });

  it('are frozen to the last level', () => {
    expect(Object.isFrozen(presets)).toBe(true);
    for (const name of PRESET_NAMES) {
      const p = presets[name];
      for (const part of [p, p.retry, p.timeouts, p.breaker]) if (part) expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (presets.production.retry as { maxAttempts: number }).maxAttempts = 99;
    }).toThrow(TypeError);
    expect(presets.production.retry.maxAttempts).toBe(5);
  });

  it('are plain JSON: printing and parsing gives the same objects', () => {
    expect(JSON.parse(JSON.stringify(presets))).toEqual(presets);
  });
});

describe('resolveResilientOptions', () => {
  it('defaults to production', () => {
    expect(resolveResilientOptions({}).settings).toEqual(presets.production);
    expect(resolveResilientOptions(undefined).settings).toEqual(presets.production);
  });

  it('merges knob overrides over the preset and leaves the preset untouched', () => {
    const { settings } = resolveResilientOptions({
      preset: 'hft',
      retry: { maxAttempts: 4 },
      timeouts: { totalMs: 2_000 },
      breaker: { halfOpenAfterMs: 500 },
      connections: 2,
    });
    expect(settings.retry).toEqual({ ...presets.hft.retry, maxAttempts: 4 });
    expect(settings.timeouts).toEqual({ ...presets.hft.timeouts, totalMs: 2_000 });
    expect(settings.breaker).toEqual({ consecutiveFailures: 3, halfOpenAfterMs: 500 });
    expect(settings.connections).toBe(2);
    expect(presets.hft.retry.maxAttempts).toBe(2);
    expect(Object.isFrozen(settings.retry)).toBe(true);
  });

  it('turns on a breaker and a rate limit that the preset leaves off, with documented defaults', () => {
    const { settings } = resolveResilientOptions({
      preset: 'development',
      breaker: {},
      rateLimit: { requestsPerSecond: 20 },
    });
    expect(settings.breaker).toEqual({ consecutiveFailures: 5, halfOpenAfterMs: 10_000 });
    expect(settings.rateLimit).toEqual({ requestsPerSecond: 20, burst: 20, maxWaitMs: 10_000 });
  });

  it('false turns a layer off', () => {
    const { settings } = resolveResilientOptions({ retry: false, breaker: false, rateLimit: false });
    expect(settings.retry.maxAttempts).toBe(1);
    expect(settings.breaker).toBe(false);
  });

  it('an unknown preset lists the valid ones', () => {
    const error = configError(() => resolveResilientOptions({ preset: 'prod' as 'production' }));
    expect(error.option).toBe('preset');
    expect(error.message).toContain('"development", "production", "hft"');
  });

  it('an unknown top-level option lists every valid option and knob', () => {
    const error = configError(() => resolveResilientOptions({ maxAttempts: 3 } as never));
    expect(error.option).toBe('maxAttempts');
    expect(error.message).toContain('preset, retry, breaker, rateLimit, timeouts');
    expect(error.message).toContain('baseUrl');
  });

  it('an unknown knob in a group names it with its group and lists the group', () => {
    const error = configError(() => resolveResilientOptions({ retry: { maxAtempts: 3 } as never }));
    expect(error.option).toBe('retry.maxAtempts');
    expect(error.message).toContain('maxAttempts, baseDelayMs, maxDelayMs, factor, jitter');
    expect(configError(() => resolveResilientOptions({ timeouts: { readMs: 1 } as never })).option).toBe(
      'timeouts.readMs',
    );
  });

  it.each([
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ retry: { maxAttempts: 2.5 } }, 'retry.maxAttempts'],
    [{ retry: { maxDelayMs: 10 } }, 'retry.maxDelayMs'],
    [{ retry: { jitter: 'some' } }, 'retry.jitter'],
    [{ retry: { factor: Number.NaN } }, 'retry.factor'],
    [{ breaker: { consecutiveFailures: -1 } }, 'breaker.consecutiveFailures'],
    [{ rateLimit: { burst: 5 } }, 'rateLimit.requestsPerSecond'],
    [{ rateLimit: { requestsPerSecond: 0 } }, 'rateLimit.requestsPerSecond'],
    [{ timeouts: { totalMs: Infinity } }, 'timeouts.totalMs'],
    [{ connections: 0 }, 'connections'],
    [{ maxRetryAfterMs: -1 }, 'maxRetryAfterMs'],
    [{ retry: 3 }, 'retry'],
    [{ breaker: 'on' }, 'breaker'],
    [{ random: 0.5 }, 'random'],
  ])('rejects %j naming %s', (options, option) => {
    expect(configError(() => resolveResilientOptions(options as never)).option).toBe(option);
  });

  it('a value whose toString lies is judged by its type, not its text', () => {
    const liar = { toString: () => '5', valueOf: () => 5 };
    expect(configError(() => resolveResilientOptions({ retry: { maxAttempts: liar as never } })).option).toBe(
      'retry.maxAttempts',
    );
  });

  it('options that are not an object are refused', () => {
    expect(configError(() => resolveResilientOptions('production' as never)).option).toBe('options');
  });
});
