import { describe, expect, it } from "vitest";
import type { RollDto } from "../runs/run-dto";
import { getContractSpec } from "../market/contract-spec";
import {
  CALENDAR_ROLL_LEGEND,
  contractSpecOf,
  coverageRollLegend,
  describeRolledPosition,
  describeRunRollSchedule,
  rollFeePerSide,
  rollInstants,
  rollRows,
  tradeRollMarks,
} from "./rolls-view";

const MNQ = getContractSpec("MNQ");
const ROLL_NS = "1741816800000000000"; // 2025-03-12T22:00:00Z

const roll = (patch: Partial<RollDto>): RollDto => ({
  at: "2025-03-12T22:00:00.000Z",
  atNs: ROLL_NS,
  fromContract: "MNQH5",
  toContract: "MNQM5",
  closedQty: 1,
  fromPriceTicks: 80_000,
  toPriceTicks: 80_437,
  fillIds: [7, 8],
  cancelledOrderIds: [],
  ...patch,
});

describe("contractSpecOf", () => {
  it("finds the spec of a dated contract or a root, case-insensitively", () => {
    expect(contractSpecOf("MNQH5")?.root).toBe("MNQ");
    expect(contractSpecOf("esz25")?.root).toBe("ES");
    expect(contractSpecOf("NQ")?.root).toBe("NQ");
  });
  it("is null for unknown roots and non-symbols", () => {
    expect(contractSpecOf("ZNH5")).toBeNull();
    expect(contractSpecOf("not a symbol")).toBeNull();
  });
});

describe("rollFeePerSide", () => {
  it("takes the run's fee in whole cents when the configuration sets one", () => {
    expect(rollFeePerSide({ feePerSideUsd: 1.25 }, MNQ)).toEqual({ perSideCents: 125, source: "run" });
    expect(rollFeePerSide({ feePerSideUsd: 0 }, MNQ)).toEqual({ perSideCents: 0, source: "run" });
  });
  it("falls back to the contract's default fee (MNQ $0.57, ES $2.15)", () => {
    expect(rollFeePerSide({}, MNQ)).toEqual({ perSideCents: 57, source: "contract default" });
    expect(rollFeePerSide(null, getContractSpec("ES"))).toEqual({ perSideCents: 215, source: "contract default" });
  });
});

describe("describeRolledPosition", () => {
  it("names quantity and side, and says when nothing was rolled", () => {
    expect(describeRolledPosition(1)).toBe("1 long");
    expect(describeRolledPosition(-3)).toBe("3 short");
    expect(describeRolledPosition(0)).toBe("flat, nothing rolled");
  });
});

describe("rollRows", () => {
  it("converts ticks with the tick size, takes the difference and charges two sides per contract", () => {
    const [row] = rollRows([roll({ closedQty: -2 })], MNQ, { perSideCents: 125, source: "run" });
    // 80,000 x 0.25 = 20,000.00; 80,437 x 0.25 = 20,109.25; +437 ticks = +109.25 points.
    expect(row).toMatchObject({ position: "2 short", fromPrice: 20_000, toPrice: 20_109.25, diffTicks: 437, diffPoints: 109.25, fillIds: "#7, #8", cancelledOrders: 0 });
    // 2 sides x $1.25 x 2 contracts = $5.00.
    expect(row.feesCents).toBe(500);
  });
  it("charges the contract default the same way and nothing when flat", () => {
    const fee = rollFeePerSide({}, MNQ);
    const [long, flat] = rollRows([roll({ closedQty: 3, toPriceTicks: 79_990, cancelledOrderIds: [4] }), roll({ closedQty: 0, fillIds: [] })], MNQ, fee);
    expect(long).toMatchObject({ diffTicks: -10, diffPoints: -2.5, feesCents: 2 * 57 * 3, cancelledOrders: 1 });
    expect(flat).toMatchObject({ position: "flat, nothing rolled", feesCents: 0, fillIds: "none" });
  });
  it("leaves the old price and the difference empty when the old contract never traded", () => {
    const [row] = rollRows([roll({ fromPriceTicks: null })], MNQ, null);
    expect(row).toMatchObject({ fromPrice: null, diffTicks: null, diffPoints: null, toPrice: 20_109.25, feesCents: null });
  });
  it("keeps the ticks but no prices when the contract is unknown", () => {
    const [row] = rollRows([roll({})], null, null);
    expect(row).toMatchObject({ fromPrice: null, toPrice: null, fromPriceTicks: 80_000, toPriceTicks: 80_437, diffTicks: 437, diffPoints: null });
  });
});

describe("describeRunRollSchedule", () => {
  it("names the rule and the chain", () => {
    const rolls = [{ atNs: ROLL_NS, at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }];
    expect(describeRunRollSchedule({ rule: { kind: "calendar", daysBeforeExpiry: 8 }, contracts: ["MNQH5", "MNQM5"], rolls })).toEqual({
      rule: "calendar (8 days before expiry)",
      chain: "MNQH5 → MNQM5",
      rolls,
    });
    expect(describeRunRollSchedule({ rule: { kind: "volume" }, contracts: ["MNQH5", "MNQM5", "MNQU5"], rolls: [] }).chain).toBe("MNQH5 → MNQM5 → MNQU5");
  });
});

describe("roll marks of trades", () => {
  const instants = rollInstants([roll({}), roll({ atNs: "1749765600000000000", closedQty: 0 })]);
  it("only counts rolls that moved a position", () => {
    expect([...instants]).toEqual([ROLL_NS]);
    expect(rollInstants(undefined).size).toBe(0);
  });
  it("marks the exit at a roll and the entry at a roll", () => {
    expect(tradeRollMarks({ entryNs: "1741800000000000000", exitNs: ROLL_NS }, instants)).toEqual({ entry: false, exit: true });
    expect(tradeRollMarks({ entryNs: ROLL_NS, exitNs: "1741900000000000000" }, instants)).toEqual({ entry: true, exit: false });
    expect(tradeRollMarks({ entryNs: "1749765600000000000", exitNs: "1749765600000000001" }, instants)).toEqual({ entry: false, exit: false });
  });
});

describe("coverageRollLegend", () => {
  const rolls = [{ sessionDate: "2025-03-13", from: "MNQH5", to: "MNQM5" }];
  it("keeps CME's calendar rule for a single dataset", () => {
    expect(coverageRollLegend({ kind: "single", rollRule: null }, rolls)).toBe(CALENDAR_ROLL_LEGEND);
    expect(coverageRollLegend(undefined, [])).toBe(CALENDAR_ROLL_LEGEND);
  });
  it("names a continuous dataset's own rule and its roll dates", () => {
    expect(coverageRollLegend({ kind: "continuous", rollRule: { kind: "volume" } }, rolls)).toBe("roll rule volume crossover: first session traded in the next contract - 2025-03-13 MNQH5 → MNQM5");
    expect(coverageRollLegend({ kind: "continuous", rollRule: { kind: "manual", dates: ["2025-03-11"] } }, [])).toBe("roll rule manual (2025-03-11): first session traded in the next contract (no roll in this series)");
  });
});
