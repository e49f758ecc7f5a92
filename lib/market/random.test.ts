import { describe, expect, it } from "vitest";
import { SeededRandom, deriveSeed, hashString } from "./random";

const draw = (seed: number, n: number) => {
  const rng = new SeededRandom(seed);
  return Array.from({ length: n }, () => rng.nextUint32());
};

describe("SeededRandom", () => {
  it("replays the same sequence for the same seed", () => {
    expect(draw(42, 1000)).toEqual(draw(42, 1000));
  });

  it("gives unrelated sequences for neighbouring seeds", () => {
    const a = draw(1, 1000);
    const b = draw(2, 1000);
    expect(a.filter((x, i) => x === b[i]).length).toBe(0);
  });

  it("accepts seeds beyond 32 bits and tells them apart", () => {
    expect(draw(2 ** 40, 10)).not.toEqual(draw(0, 10));
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
  });

  it("draws uniforms in [0, 1) with the right mean and spread", () => {
    const rng = new SeededRandom(7);
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(sumSq / n - (sum / n) ** 2).toBeCloseTo(1 / 12, 2);
  });

  it("draws standard normals, exponentials and Poisson counts with the right moments", () => {
    const rng = new SeededRandom(11);
    const n = 100_000;
    let zs = 0, zz = 0, es = 0, ps = 0, big = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      zs += z;
      zz += z * z;
      es += rng.exponential(3);
      ps += rng.poisson(4.5);
      big += rng.poisson(400);
    }
    expect(zs / n).toBeCloseTo(0, 1);
    expect(zz / n).toBeCloseTo(1, 1);
    expect(es / n / 3).toBeCloseTo(1, 1);
    expect(ps / n).toBeCloseTo(4.5, 1);
    expect(big / n / 400).toBeCloseTo(1, 2);
  });

  it("keeps integer draws inside [0, n)", () => {
    const rng = new SeededRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe("seed derivation", () => {
  it("is deterministic and order-sensitive", () => {
    expect(deriveSeed(1, 2, 3)).toBe(deriveSeed(1, 2, 3));
    expect(deriveSeed(1, 2, 3)).not.toBe(deriveSeed(3, 2, 1));
    expect(hashString("MNQ")).not.toBe(hashString("NQ"));
  });
});
