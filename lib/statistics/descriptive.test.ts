import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { downsideDeviation, median, moments, quantile } from "./descriptive";

/** Direct two-pass moments, the textbook formulas (the module streams them in one pass). */
function directMoments(xs: number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const m = (k: number) => xs.reduce((a, x) => a + (x - mean) ** k, 0) / n;
  return { mean, variance: (m(2) * n) / (n - 1), skewness: m(3) / m(2) ** 1.5, kurtosis: m(4) / m(2) ** 2 };
}

describe("moments", () => {
  it("computes mean, sample variance and raw moments of 1..5 by hand", () => {
    // mean 3; deviations -2 -1 0 1 2; sum sq 10 -> sample variance 10/4 = 2.5
    // m2 = 10/5 = 2, m3 = 0, m4 = (16+1+0+1+16)/5 = 6.8 -> skew 0, raw kurtosis 6.8/2^2 = 1.7
    const m = moments([1, 2, 3, 4, 5]);
    expect(m.n).toBe(5);
    expect(m.mean).toBe(3);
    expect(m.variance).toBeCloseTo(2.5, 14);
    expect(m.std).toBeCloseTo(Math.sqrt(2.5), 14);
    expect(m.skewness).toBeCloseTo(0, 14);
    expect(m.kurtosis).toBeCloseTo(1.7, 14);
  });

  it("computes a skewed sample by hand", () => {
    // [0, 0, 3]: mean 1; deviations -1 -1 2; m2 = 6/3 = 2, m3 = (-1-1+8)/3 = 2, m4 = (1+1+16)/3 = 6
    // skew = 2 / 2^1.5 = 0.70711; raw kurtosis = 6 / 4 = 1.5; sample variance = 6/2 = 3
    const m = moments([0, 0, 3]);
    expect(m.variance).toBeCloseTo(3, 14);
    expect(m.skewness).toBeCloseTo(1 / Math.SQRT2, 14);
    expect(m.kurtosis).toBeCloseTo(1.5, 14);
  });

  it("gives nulls below two observations and at zero variance", () => {
    expect(moments([])).toMatchObject({ n: 0, variance: null, std: null, skewness: null, kurtosis: null });
    expect(moments([4])).toMatchObject({ n: 1, mean: 4, variance: null });
    expect(moments([0.01, 0.01, 0.01])).toMatchObject({ std: 0, skewness: null, kurtosis: null });
  });

  it("agrees with the direct two-pass formulas", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 3, maxLength: 60 }), (xs) => {
        const d = directMoments(xs);
        fc.pre(d.variance > 1e-6);
        const m = moments(xs);
        const close = (a: number | null, b: number) => a !== null && Math.abs(a - b) <= 1e-7 * Math.max(1, Math.abs(b));
        return close(m.mean, d.mean) && close(m.variance, d.variance) && close(m.skewness, d.skewness) && close(m.kurtosis, d.kurtosis);
      }),
    );
  });

  it("stays accurate with a large offset (where sum-of-squares formulas lose digits)", () => {
    const xs = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4, 1e9 + 5];
    expect(moments(xs).variance).toBeCloseTo(2.5, 6);
    expect(moments(xs).kurtosis).toBeCloseTo(1.7, 6);
  });
});

describe("quantile (type 7)", () => {
  it("interpolates between order statistics", () => {
    // h = (4 - 1) * 0.25 = 0.75 -> 1 + 0.75 * (2 - 1) = 1.75
    expect(quantile([4, 2, 3, 1], 0.25)).toBeCloseTo(1.75, 14);
    expect(quantile([4, 2, 3, 1], 0)).toBe(1);
    expect(quantile([4, 2, 3, 1], 1)).toBe(4);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([1, 2, 3, 4])).toBe(2.5);
    expect(quantile([], 0.5)).toBeNaN();
  });
});

describe("downsideDeviation", () => {
  it("averages squared shortfalls over all observations", () => {
    // shortfalls below 0: -0.02 only; 0.0004 / 4 = 0.0001 -> 0.01
    expect(downsideDeviation([0.01, -0.02, 0.03, 0])).toBeCloseTo(0.01, 15);
    // below a target of 0.01: -0.03 and -0.01 (the 0.01 itself counts 0); (0.0009 + 0.0001)/4 -> 0.0158114
    expect(downsideDeviation([0.01, -0.02, 0.03, 0], 0.01)).toBeCloseTo(Math.sqrt(0.001 / 4), 15);
  });
});
