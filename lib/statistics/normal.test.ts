import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalCdf, normalPdf, normalQuantile } from "./normal";

const relErr = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

// Reference values: scipy.stats.norm.cdf / norm.ppf (Cephes ndtr / ndtri), printed to 17 digits;
// the quantiles are the familiar two-sided critical values z_0.975 = 1.959963984540054 etc.
const CDF_REFERENCE: [number, number][] = [
  [-37, 5.7255712225239266e-300],
  [-10, 7.6198530241604696e-24],
  [-8, 6.2209605742717405e-16],
  [-5, 2.8665157187919328e-7],
  [-3, 0.0013498980316300933],
  [-1.96, 0.024997895148220435],
  [-1, 0.15865525393145707],
  [-0.5, 0.30853753872598688],
  [0, 0.5],
  [0.5, 0.69146246127401312],
  [1, 0.84134474606854293],
  [1.96, 0.97500210485177952],
  [2.5, 0.99379033467422384],
  [3, 0.9986501019683699],
  [5, 0.99999971334842808],
];

const QUANTILE_REFERENCE: [number, number][] = [
  [1e-300, -37.047096299361201],
  [1e-20, -9.2623400897984087],
  [1e-10, -6.3613409024040557],
  [1e-5, -4.2648907939228247],
  [0.001, -3.0902323061678132],
  [0.01, -2.3263478740408408],
  [0.025, -1.959963984540054],
  [0.05, -1.6448536269514729],
  [0.3, -0.52440051270804089],
  [0.5, 0],
  [0.8, 0.8416212335729143],
  [0.95, 1.6448536269514722],
  [0.975, 1.959963984540054],
  [0.99, 2.3263478740408408],
  [0.999, 3.0902323061678132],
];

describe("normalCdf", () => {
  it.each(CDF_REFERENCE)("Phi(%d) matches the published value", (x, expected) => {
    expect(Math.abs(normalCdf(x) - expected)).toBeLessThan(1e-15);
    if (expected > 0) expect(relErr(normalCdf(x), expected)).toBeLessThan(1e-8);
  });

  it("saturates beyond +-37 and propagates NaN", () => {
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(normalCdf(Number.POSITIVE_INFINITY)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it("is symmetric: Phi(-x) = 1 - Phi(x)", () => {
    fc.assert(fc.property(fc.double({ min: -8, max: 8, noNaN: true }), (x) => Math.abs(normalCdf(-x) - (1 - normalCdf(x))) < 1e-15));
  });

  it("is non-decreasing", () => {
    let prev = 0;
    const drops: number[] = [];
    for (let x = -38; x <= 38; x += 0.001) {
      const p = normalCdf(x);
      if (p < prev) drops.push(x);
      prev = p;
    }
    expect(drops).toEqual([]);
  });

  it("integrates the density (trapezoid rule on [-8, 1.3])", () => {
    let area = 0;
    const h = 1e-4;
    for (let x = -8; x < 1.3 - h / 2; x += h) area += ((normalPdf(x) + normalPdf(x + h)) / 2) * h;
    expect(area).toBeCloseTo(normalCdf(1.3), 8);
  });
});

describe("normalQuantile", () => {
  it.each(QUANTILE_REFERENCE)("Phi^-1(%d) matches the published value", (p, expected) => {
    const x = normalQuantile(p);
    if (expected === 0) expect(x).toBe(0);
    else expect(relErr(x, expected)).toBeLessThan(1e-14);
  });

  it("returns the infinities at 0 and 1 and NaN outside [0, 1]", () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(-0.1)).toBeNaN();
    expect(normalQuantile(1.1)).toBeNaN();
    expect(normalQuantile(Number.NaN)).toBeNaN();
  });

  it("inverts the CDF (round trip through both regions of AS241)", () => {
    fc.assert(
      fc.property(fc.double({ min: -7, max: 7, noNaN: true }), (x) => {
        // dPhi/dx = phi(x): an absolute CDF error e moves the quantile by about e / phi(x).
        const back = normalQuantile(normalCdf(x));
        return Math.abs(back - x) < 1e-14 / normalPdf(x) + 1e-12;
      }),
    );
  });

  it("is antisymmetric: Phi^-1(1 - p) = -Phi^-1(p)", () => {
    fc.assert(fc.property(fc.double({ min: 1e-6, max: 0.5, noNaN: true }), (p) => Math.abs(normalQuantile(1 - p) + normalQuantile(p)) < 1e-9));
  });
});
