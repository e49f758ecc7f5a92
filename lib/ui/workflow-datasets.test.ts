import { describe, expect, it } from "vitest";
import type { SessionCoverage } from "../data/coverage";
import { resolveRange } from "./workflow-estimate";
import { resolveChoices } from "./workflow-request";
import { DEFAULT_STATE } from "./workflow-state";
import {
  contractChain,
  describeRollRule,
  describeRollsInRange,
  describeSeries,
  fillModelHelp,
  fillModelsForDataset,
  rollsInRange,
  type DatasetKindFields,
  type WorkflowContinuous,
} from "./workflow-datasets";

const API_MODELS = ["l1-trades", "l1-quotes", "l2-queue", "l3-fifo"];

const dataset = (patch: Partial<DatasetKindFields>): DatasetKindFields => ({
  name: "d",
  instrument: "MNQ",
  schema: "trades",
  kind: "single",
  contract: null,
  rollRule: null,
  start: null,
  provenance: {},
  ...patch,
});

// MNQH5 expires Fri 2025-03-21: CME's calendar roll (8 days before) is session Thu 2025-03-13,
// which opens 17:00 CDT on 03-12 = 22:00 UTC (daylight time from 2025-03-09). MNQM5 -> MNQU5:
// expiry Fri 2025-06-20, roll session Thu 2025-06-12, open 2025-06-11 22:00 UTC.
const H5_M5 = { atNs: "1741816800000000000", at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" };
const M5_U5 = { atNs: "1749679200000000000", at: "2025-06-11T22:00:00.000Z", sessionDate: "2025-06-12", fromContract: "MNQM5", toContract: "MNQU5" };
const continuous: WorkflowContinuous = {
  // Listed out of order on purpose: the chain follows `position`.
  components: [
    { name: "mnq-m5", contract: "MNQM5", position: 1 },
    { name: "mnq-h5", contract: "MNQH5", position: 0 },
  ],
  rolls: [H5_M5],
};
const continuousDataset = dataset({ kind: "continuous", rollRule: { kind: "calendar", daysBeforeExpiry: 8 } });

describe("describing a dataset's contracts", () => {
  it("names the roll rule as the workflow shows it", () => {
    expect(describeRollRule({ kind: "calendar", daysBeforeExpiry: 8 })).toBe("calendar (8 days before expiry)");
    expect(describeRollRule({ kind: "calendar", daysBeforeExpiry: 1 })).toBe("calendar (1 day before expiry)");
    expect(describeRollRule({ kind: "calendar" })).toBe("calendar (8 days before expiry)");
    expect(describeRollRule({ kind: "volume" })).toBe("volume crossover");
    expect(describeRollRule({ kind: "manual", dates: ["2025-03-13", "2025-06-12"] })).toBe("manual (2025-03-13, 2025-06-12)");
    expect(describeRollRule(null)).toBe("unknown");
  });

  it("describes a continuous dataset by its contract chain (component order) and roll rule", () => {
    expect(contractChain(continuous)).toEqual(["MNQH5", "MNQM5"]);
    expect(describeSeries(continuousDataset, continuous)).toEqual({
      kind: "continuous",
      contracts: ["MNQH5", "MNQM5"],
      rule: "calendar (8 days before expiry)",
      title: "Continuous series: MNQH5 → MNQM5, roll rule calendar (8 days before expiry)",
      short: "MNQH5 → MNQM5",
    });
    // Before its detail is loaded the chain is unknown, the rule is not.
    expect(describeSeries({ ...continuousDataset, rollRule: { kind: "volume" } }, undefined)).toMatchObject({
      contracts: [],
      title: "Continuous series: MNQ contracts, roll rule volume crossover",
    });
  });

  it("describes a single dataset by its dated contract, or a root by its front contract at the first tick", () => {
    expect(describeSeries(dataset({ contract: "MNQM5", start: "2025-03-02T23:00:00.000Z" }), null)).toEqual({ kind: "single", contract: "MNQM5", dated: true, short: "MNQM5" });
    // The demo dataset: root MNQ, first tick in the week of 2025-03-03, when MNQH5 is the front month.
    expect(describeSeries(dataset({ start: "2025-03-02T23:00:00.000Z", provenance: { source: "generator" } }), null)).toEqual({
      kind: "single",
      contract: "MNQH5",
      dated: false,
      short: "MNQ (front MNQH5)",
    });
    expect(describeSeries(dataset({ start: null }), null)).toEqual({ kind: "single", contract: null, dated: false, short: "MNQ" });
  });
});

describe("rolls inside a range", () => {
  const rolls = [H5_M5, M5_U5];
  const row = (sessionDate: string): SessionCoverage => ({ sessionDate, kind: "regular", holiday: null, ticks: 10, gap: false });
  const week = ["2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14"].map(row);

  it("counts a roll only when the range holds trades on both sides of its instant", () => {
    expect(rollsInRange(rolls, {})).toEqual([H5_M5, M5_U5]);
    expect(rollsInRange(rolls, { fromIso: "2025-03-12T21:59:59.999Z", toIso: "2025-03-12T22:00:00.001Z" })).toEqual([H5_M5]);
    // Starting exactly at the roll instant replays the new contract only; ending there, the old one.
    expect(rollsInRange(rolls, { fromIso: "2025-03-12T22:00:00.000Z" })).toEqual([M5_U5]);
    expect(rollsInRange(rolls, { toIso: "2025-03-12T22:00:00.000Z" })).toEqual([]);
    expect(rollsInRange(rolls, { fromIso: "2025-06-11T22:00:00.000Z", toIso: "2025-06-30T00:00:00.000Z" })).toEqual([]);
  });

  it("follows the ranges the workflow resolves from session dates", () => {
    // Whole dataset: no bounds sent, the roll of 03-13 is inside.
    expect(rollsInRange([H5_M5], resolveRange({ range: "all", from: "", to: "" }, week))).toEqual([H5_M5]);
    // 03-12..03-13: from the open of 03-12 (03-11 22:00 UTC) to the close of 03-13 (21:00 UTC).
    expect(rollsInRange([H5_M5], resolveRange({ range: "custom", from: "2025-03-12", to: "2025-03-13" }, week))).toEqual([H5_M5]);
    // From the roll session on: it opens at the roll instant, so nothing is rolled.
    expect(rollsInRange([H5_M5], resolveRange({ range: "custom", from: "2025-03-13", to: "" }, week))).toEqual([]);
    // Up to the session before the roll: it closes at 16:00 CT, an hour before the roll.
    expect(rollsInRange([H5_M5], resolveRange({ range: "custom", from: "", to: "2025-03-12" }, week))).toEqual([]);
    // The last session only (03-14).
    expect(rollsInRange([H5_M5], resolveRange({ range: "last", from: "", to: "" }, week))).toEqual([]);
    expect(rollsInRange([H5_M5], resolveRange({ range: "last5", from: "", to: "" }, week))).toEqual([H5_M5]);
  });

  it("says which rolls a range holds", () => {
    expect(describeRollsInRange([])).toBe("no roll in this range");
    expect(describeRollsInRange([H5_M5])).toBe("1 roll: 2025-03-13 MNQH5 → MNQM5");
    expect(describeRollsInRange([H5_M5, M5_U5])).toBe("2 rolls: 2025-03-13 MNQH5 → MNQM5, 2025-06-12 MNQM5 → MNQU5");
  });
});

describe("fill models per dataset", () => {
  it("offers only l1-trades for a continuous dataset, whatever its schema", () => {
    expect(fillModelsForDataset({ kind: "continuous", schema: "trades" }, API_MODELS)).toEqual(["l1-trades"]);
    expect(fillModelsForDataset({ kind: "continuous", schema: "mbo" }, API_MODELS)).toEqual(["l1-trades"]);
    expect(fillModelsForDataset({ kind: "continuous", schema: "trades" }, ["l1-quotes"])).toEqual([]);
    expect(fillModelHelp({ kind: "continuous", schema: "trades" })).toContain("continuous series holds trades only");
  });

  it("offers a single dataset what its schema supports", () => {
    expect(fillModelsForDataset({ kind: "single", schema: "trades" }, API_MODELS)).toEqual(["l1-trades"]);
    expect(fillModelsForDataset({ kind: "single", schema: "mbp-1" }, API_MODELS)).toEqual(["l1-trades", "l1-quotes"]);
    expect(fillModelsForDataset({ kind: "single", schema: "mbo" }, API_MODELS)).toEqual(API_MODELS);
    expect(fillModelHelp({ kind: "single", schema: "trades" })).toBe("This dataset holds trades only: fills are simulated from trade prints (l1-trades).");
    expect(fillModelHelp({ kind: "single", schema: "mbo" })).toBe("Models supported by mbo data.");
  });

  it("offers no fill model for a bar dataset, and says why", () => {
    expect(fillModelsForDataset({ kind: "single", schema: "ohlcv-1m" }, API_MODELS)).toEqual([]);
    expect(fillModelHelp({ kind: "single", schema: "ohlcv-1m" })).toMatch(/^This dataset holds ohlcv-1m bars: bar datasets cannot drive the tick engine/);
    const { notices } = resolveChoices({ ...DEFAULT_STATE, dataset: "nt-bars" }, { datasets: [{ name: "nt-bars", schema: "ohlcv-1m" }], strategies: [], apiFillModels: API_MODELS }, () => "");
    expect(notices).toEqual([fillModelHelp({ kind: "single", schema: "ohlcv-1m" })]);
  });
});

describe("resolving a URL's fill model against a continuous dataset", () => {
  it("replaces a book model by l1-trades, with a notice naming the continuous series", () => {
    const lists = { datasets: [{ name: "mnq-c", schema: "mbo", kind: "continuous" }], strategies: [], apiFillModels: API_MODELS };
    const { state, notices } = resolveChoices({ ...DEFAULT_STATE, dataset: "mnq-c", fill: "l3-fifo" }, lists, () => "");
    expect(state.fill).toBe("l1-trades");
    expect(notices).toEqual(["Fill model l3-fifo is not available for mnq-c (a continuous series); using l1-trades."]);
    // The same data as a single dataset keeps the book model.
    const single = resolveChoices({ ...DEFAULT_STATE, dataset: "mnq-c", fill: "l3-fifo" }, { ...lists, datasets: [{ name: "mnq-c", schema: "mbo" }] }, () => "");
    expect(single).toMatchObject({ state: { fill: "l3-fifo" }, notices: [] });
  });
});
