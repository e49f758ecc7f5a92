/**
 * Seeded pseudo-random numbers for strategies and models (mulberry32: 32-bit state, passes
 * SmallCrush; enough for simulation choices, not for cryptography). The same seed gives the same
 * sequence on every platform: runs stay reproducible.
 */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit integer seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
