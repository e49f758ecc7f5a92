/**
 * Seeded pseudo-random numbers for everything that must be reproducible (synthetic data,
 * probabilistic fill and queue models). Never use Math.random() in lib/: a run records its seed
 * and replays bit for bit.
 *
 * Generator: xoshiro128** 1.1 (D. Blackman, S. Vigna, "Scrambled linear pseudorandom number
 * generators", 2018), 128-bit state, period 2^128 - 1. The state is filled from the seed with
 * splitmix32-style mixing so nearby seeds give unrelated streams. Not cryptographic.
 */

const TWO_POW_32 = 4294967296;

/** A 32-bit avalanche mix (murmur3 finaliser constants on a golden-ratio increment). */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** FNV-1a hash of a string's UTF-16 code units, for mixing names into seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Combines integers into one 32-bit seed, order-sensitive: `deriveSeed(seed, day)` gives an
 * independent stream per day. Each part must be a safe integer (both 32-bit halves are mixed).
 */
export function deriveSeed(...parts: number[]): number {
  let h = 0x6a09e667;
  for (const part of parts) {
    if (!Number.isSafeInteger(part)) throw new RangeError(`Seed parts must be safe integers, got ${part}`);
    const lo = part >>> 0;
    const hi = Math.floor(part / TWO_POW_32) | 0;
    h = mix32(h ^ mix32(lo));
    h = mix32(h ^ mix32(hi ^ 0x5bd1e995));
  }
  return h;
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal = Number.NaN;

  constructor(seed: number) {
    let s = deriveSeed(seed);
    s = mix32(s); this.a = s;
    s = mix32(s); this.b = s;
    s = mix32(s); this.c = s;
    s = mix32(s); this.d = s;
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1; // the all-zero state is a fixed point
  }

  /** Uniform integer in [0, 2^32). */
  nextUint32(): number {
    const b = this.b;
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in (0, 1]: safe under Math.log. */
  nextPositive(): number {
    return (this.nextUint32() + 1) / TWO_POW_32;
  }

  /** Uniform integer in [0, n) for 0 < n <= 2^32 (tiny modulo bias below 2^-20 for n < 4096). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Marsaglia polar method; the second value is kept for the next call). */
  normal(): number {
    const spare = this.spareNormal;
    if (spare === spare) {
      this.spareNormal = Number.NaN;
      return spare;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.next() - 1;
      v = 2 * this.next() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return u * f;
  }

  /** Exponential with the given mean. */
  exponential(mean = 1): number {
    return -Math.log(this.nextPositive()) * mean;
  }

  /** Poisson count with mean `lambda` (Knuth below 30, rounded normal approximation above). */
  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
