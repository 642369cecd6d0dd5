import type { OptionChecker } from '@sentinel/core';

/** `undefined`, or something that behaves like an AbortSignal (from any realm); else a ConfigError. */
export function checkSignal(check: OptionChecker, value: unknown, name = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const s = value as Partial<AbortSignal> | null;
  if (typeof s?.aborted === 'boolean' && typeof s.addEventListener === 'function') return value as AbortSignal;
  return check.fail(name, value, 'an AbortSignal');
}
