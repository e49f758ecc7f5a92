import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { buildContinuousSeries, type Adjustment, type ContractBar } from "./continuous-series";
import { buildRollSchedule } from "./roll-schedule";
import { sessionsBetween } from "./session-calendar";

// Toy example: ESU4 -> ESZ4 calendar roll on session 2024-09-12, one bar per session.
// Gap measured on ESU4's last bar before the roll (session 2024-09-11) against ESZ4's bar of the
// same session: 5050 - 5000 = +50 points, ratio 5050 / 5000 = 1.01.
const toySchedule = buildRollSchedule("ES", "2024-09-10", "2024-09-13", { kind: "calendar" });
const bar = (sessionDate: string, tsNs: bigint, open: number, high: number, low: number, close: number): ContractBar => ({
  tsNs,
  sessionDate,
  open,
  high,
  low,
  close,
  volume: 1,
});
const toyBars = {
  ESU4: [
    bar("2024-09-10", 10n, 4990, 5010, 4980, 5000),
    bar("2024-09-11", 11n, 5000, 5020, 4995, 5000),
    bar("2024-09-12", 12n, 5001, 5001, 5001, 5001), // after the roll: never used
  ],
  ESZ4: [
    bar("2024-09-10", 10n, 9999, 9999, 9999, 9999), // before the roll: never used
    bar("2024-09-11", 11n, 5040, 5055, 5035, 5050),
    bar("2024-09-12", 12n, 5050, 5070, 5040, 5060),
    bar("2024-09-13", 13n, 5060, 5080, 5055, 5075.25),
  ],
};
const ohlc = (adjustment: Adjustment) =>
  buildContinuousSeries(toySchedule, toyBars, adjustment).bars.map((b) => [b.contract, b.open, b.high, b.low, b.close]);

describe("continuous series on a two-contract toy example", () => {
  it("none: stitches raw prices of the contract traded on each session", () => {
    expect(ohlc("none")).toEqual([
      ["ESU4", 4990, 5010, 4980, 5000],
      ["ESU4", 5000, 5020, 4995, 5000],
      ["ESZ4", 5050, 5070, 5040, 5060],
      ["ESZ4", 5060, 5080, 5055, 5075.25],
    ]);
  });

  it("measures the gap on the old contract's last bar before the roll session", () => {
    expect(buildContinuousSeries(toySchedule, toyBars, "backward-difference").gaps).toEqual([
      { sessionDate: "2024-09-12", from: "ESU4", to: "ESZ4", measuredSessionDate: "2024-09-11", measuredTsNs: 11n, oldClose: 5000, newClose: 5050, gap: 50, ratio: 1.01 },
    ]);
  });

  it("backward-difference: adds +50 to every ESU4 price", () => {
    expect(ohlc("backward-difference")).toEqual([
      ["ESU4", 5040, 5060, 5030, 5050],
      ["ESU4", 5050, 5070, 5045, 5050],
      ["ESZ4", 5050, 5070, 5040, 5060],
      ["ESZ4", 5060, 5080, 5055, 5075.25],
    ]);
  });

  it("backward-ratio: multiplies every ESU4 price by 1.01", () => {
    const expected = [
      ["ESU4", 5039.9, 5060.1, 5029.8, 5050],
      ["ESU4", 5050, 5070.2, 5044.95, 5050],
      ["ESZ4", 5050, 5070, 5040, 5060],
      ["ESZ4", 5060, 5080, 5055, 5075.25],
    ] as const;
    const actual = ohlc("backward-ratio");
    expected.forEach((row, i) => {
      expect(actual[i][0]).toBe(row[0]);
      for (let j = 1; j < 5; j++) expect(actual[i][j] as number).toBeCloseTo(row[j] as number, 9);
    });
  });

  it("forward: subtracts 50 from every ESZ4 price", () => {
    expect(ohlc("forward")).toEqual([
      ["ESU4", 4990, 5010, 4980, 5000],
      ["ESU4", 5000, 5020, 4995, 5000],
      ["ESZ4", 5000, 5020, 4990, 5010],
      ["ESZ4", 5010, 5030, 5005, 5025.25],
    ]);
  });

  it("fails clearly when the new contract has no bar in the gap session, except without adjustment", () => {
    const missing = { ESU4: toyBars.ESU4, ESZ4: toyBars.ESZ4.filter((b) => b.sessionDate !== "2024-09-11") };
    expect(buildContinuousSeries(toySchedule, missing, "none").bars).toHaveLength(4);
    expect(() => buildContinuousSeries(toySchedule, missing, "backward-difference")).toThrow(AppError);
    expect(() => buildContinuousSeries(toySchedule, missing, "backward-difference")).toThrow(/No ESZ4 bar in session 2024-09-11/);
  });

  it("accepts a Map input", () => {
    expect(buildContinuousSeries(toySchedule, new Map(Object.entries(toyBars)), "none").bars).toHaveLength(4);
  });
});

describe("continuous series invariants (property-based)", () => {
  // ES over 2024 with the calendar rule: ESH4 -> ESM4 -> ESU4 -> ESZ4 -> ESH5 (4 rolls).
  const schedule = buildRollSchedule("ES", "2024-01-01", "2024-12-31", { kind: "calendar" });
  const contracts = [schedule.initial, ...schedule.rolls.map((r) => r.to)];
  const sessions = sessionsBetween("2024-01-01", "2024-12-31");
  const n = sessions.length * contracts.length;
  // One bar per session per contract, prices on the 0.25 grid in [1000, 8000].
  const ticks = fc.array(fc.integer({ min: 4000, max: 32000 }), { minLength: n, maxLength: n });

  function barsFrom(priceTicks: number[]): Record<string, ContractBar[]> {
    const out: Record<string, ContractBar[]> = {};
    contracts.forEach((symbol, c) => {
      out[symbol] = sessions.map((s, i) => {
        const p = priceTicks[c * sessions.length + i] / 4;
        return { tsNs: s.closeNs - 60_000_000_000n, sessionDate: s.sessionDate, open: p, high: p, low: p, close: p, volume: 1 };
      });
    });
    return out;
  }

  /** Pairs of consecutive output bars from the same contract, with their raw counterparts. */
  function sameContractPairs(adjustment: Adjustment, priceTicks: number[]) {
    const raw = buildContinuousSeries(schedule, barsFrom(priceTicks), "none").bars;
    const adj = buildContinuousSeries(schedule, barsFrom(priceTicks), adjustment).bars;
    expect(adj.map((b) => b.tsNs)).toEqual(raw.map((b) => b.tsNs));
    const pairs: { raw: [number, number]; adj: [number, number] }[] = [];
    for (let i = 1; i < adj.length; i++) {
      if (adj[i].contract === adj[i - 1].contract) pairs.push({ raw: [raw[i - 1].close, raw[i].close], adj: [adj[i - 1].close, adj[i].close] });
    }
    return { raw, adj, pairs };
  }

  it("backward-difference keeps every price difference within a contract and stays on the tick grid", () => {
    fc.assert(
      fc.property(ticks, (priceTicks) => {
        const { adj, pairs } = sameContractPairs("backward-difference", priceTicks);
        for (const p of pairs) expect(p.adj[1] - p.adj[0]).toBe(p.raw[1] - p.raw[0]);
        for (const b of adj) expect(Number.isInteger(b.close * 4)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("backward-ratio keeps every return within a contract", () => {
    fc.assert(
      fc.property(ticks, (priceTicks) => {
        const { pairs } = sameContractPairs("backward-ratio", priceTicks);
        for (const p of pairs) expect(Math.abs(p.adj[1] / p.adj[0] - p.raw[1] / p.raw[0])).toBeLessThan(1e-12);
      }),
      { numRuns: 30 },
    );
  });

  it("backward adjustments never modify the last contract's prices", () => {
    const last = contracts[contracts.length - 1];
    fc.assert(
      fc.property(ticks, fc.constantFrom<Adjustment>("backward-difference", "backward-ratio"), (priceTicks, adjustment) => {
        const { raw, adj } = sameContractPairs(adjustment, priceTicks);
        const lastBars = adj.filter((b) => b.contract === last);
        expect(lastBars.length).toBeGreaterThan(0);
        adj.forEach((b, i) => {
          if (b.contract === last) expect([b.open, b.high, b.low, b.close]).toEqual([raw[i].open, raw[i].high, raw[i].low, raw[i].close]);
        });
      }),
      { numRuns: 30 },
    );
  });
});
