import { optionChecker, type Random } from '@sentinel/core';

const check = optionChecker('seededRandom');

/**
 * A deterministic {@link Random} (mulberry32): the same `seed` gives the same sequence on every
 * platform, so a chaos run that failed can be replayed exactly. Not for cryptography.
 *
 * @throws ConfigError when `seed` is not an integer.
 */
export function seededRandom(seed: number): Random {
  let state = check.integer('seed', seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
