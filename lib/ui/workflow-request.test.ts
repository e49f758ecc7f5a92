import { describe, expect, it } from "vitest";
import { defaultRaw, paramFields } from "./strategy-params";
import { resolveChoices, stepIssues, toCreateRunBody, type RequestContext } from "./workflow-request";
import { resolveRange } from "./workflow-estimate";
import { DEFAULT_STATE, type WorkflowState } from "./workflow-state";
import { createRunSchema } from "../runs/run-config";

const schema = {
  type: "object",
  properties: {
    barSeconds: { type: "integer", minimum: 1, maximum: 86400, default: 60 },
    fast: { type: "integer", minimum: 1, maximum: 1000, default: 10 },
    slow: { type: "integer", minimum: 2, maximum: 2000, default: 30 },
  },
};
const fields = paramFields(schema);
const coverage = [{ sessionDate: "2025-03-04", kind: "regular" as const, holiday: null, ticks: 500, gap: false }];
const lists = { datasets: [{ name: "mnq-demo", schema: "trades" }], strategies: [{ id: "sma-cross", fields }], apiFillModels: ["l1-trades"] };

function ctx(state: WorkflowState, fillModels: string[] = ["l1-trades"]): RequestContext {
  return { datasetName: "mnq-demo", strategyKnown: true, fields, range: resolveRange(state, coverage), fillModels };
}

describe("resolveChoices", () => {
  it("fills the first dataset and strategy and the parameter defaults, silently when the URL named none", () => {
    const r = resolveChoices({ ...DEFAULT_STATE }, lists, defaultRaw);
    expect(r.state).toMatchObject({ dataset: "mnq-demo", strategy: "sma-cross", params: { barSeconds: "60", fast: "10", slow: "30" } });
    expect(r.notices).toEqual([]);
  });

  it("replaces what the URL named wrongly, with a notice each", () => {
    const r = resolveChoices({ ...DEFAULT_STATE, dataset: "gone", strategy: "sma-cross", fill: "l3-fifo", params: { fast: "5", bogus: "1" } }, lists, defaultRaw);
    expect(r.state).toMatchObject({ dataset: "mnq-demo", fill: "l1-trades", params: { barSeconds: "60", fast: "5", slow: "30" } });
    expect(r.notices).toEqual([
      'Dataset "gone" is not available; using "mnq-demo".',
      'Parameter "bogus" is not a parameter of sma-cross; ignored.',
      "Fill model l3-fifo is not available for mnq-demo (trades data); using l1-trades.",
    ]);
  });
});

describe("toCreateRunBody", () => {
  const state: WorkflowState = {
    ...DEFAULT_STATE,
    step: "review",
    dataset: "mnq-demo",
    strategy: "sma-cross",
    range: "last",
    params: { barSeconds: "60", fast: "5", slow: "30" },
    lat: "2",
    fee: "0.5",
    slip: "1",
    flat: true,
    name: " My run ",
  };

  it("builds the API body with typed values and the session window", () => {
    expect(toCreateRunBody(state, ctx(state))).toEqual({
      issues: [],
      body: {
        datasetName: "mnq-demo",
        strategyId: "sma-cross",
        params: { barSeconds: 60, fast: 5, slow: 30 },
        name: "My run",
        config: {
          fillModel: "l1-trades",
          startingCashUsd: 100000,
          seed: 0,
          feePerSideUsd: 0.5,
          latencyMs: 2,
          slippageTicks: 1,
          partialFills: true,
          marketFillsTradeSize: false,
          dailySettlement: false,
          flattenAtSessionEnd: { secondsBeforeClose: 60 },
          from: "2025-03-03T23:00:00.000Z",
          to: "2025-03-04T22:00:00.000Z",
        },
      },
    });
  });

  it("sends latency legs in ns when there is a response leg or a distribution", () => {
    const constant = { ...state, lat: "2", rlat: "0.75", flat: false };
    expect(toCreateRunBody(constant, ctx(constant)).body?.config).toMatchObject({
      latency: { entry: { kind: "constant", ns: 2_000_000 }, response: { kind: "constant", ns: 750_000 } },
    });
    expect(toCreateRunBody(constant, ctx(constant)).body?.config).not.toHaveProperty("latencyMs");
    // Uniform: [value, value + spread] per leg.
    const uniform = { ...constant, latd: "uniform" as const, lat: "1.5", rlat: "0", latj: "0.000001" };
    expect(toCreateRunBody(uniform, ctx(uniform)).body?.config.latency).toEqual({
      entry: { kind: "uniform", minNs: 1_500_000, maxNs: 1_500_001 },
      response: { kind: "uniform", minNs: 0, maxNs: 1 },
    });
    // Log-normal: median = value, cap = 12.5 x the median.
    const lognormal = { ...constant, latd: "lognormal" as const, lat: "4", rlat: "10", lats: "0.3", latcap: "12.5" };
    expect(toCreateRunBody(lognormal, ctx(lognormal)).body?.config.latency).toEqual({
      entry: { kind: "lognormal", medianNs: 4_000_000, sigma: 0.3, maxNs: 50_000_000 },
      response: { kind: "lognormal", medianNs: 10_000_000, sigma: 0.3, maxNs: 125_000_000 },
    });
  });

  it("sends fill sizes, the calendar and session rules as chosen, and the API accepts every body", () => {
    const chosen = { ...state, pf: false, mts: true, cal: "cme-equity" as const, settle: true, flats: "900" };
    const config = toCreateRunBody(chosen, ctx(chosen)).body?.config;
    expect(config).toMatchObject({ partialFills: false, marketFillsTradeSize: true, calendar: "cme-equity", dailySettlement: true, flattenAtSessionEnd: { secondsBeforeClose: 900 } });
    expect(toCreateRunBody({ ...chosen, cal: "auto" }, ctx(chosen)).body?.config).not.toHaveProperty("calendar");
    expect(toCreateRunBody({ ...chosen, flat: false }, ctx(chosen)).body?.config).not.toHaveProperty("flattenAtSessionEnd");
    const variants: WorkflowState[] = [state, chosen, { ...chosen, latd: "uniform", rlat: "3" }, { ...chosen, latd: "lognormal", lat: "60000", latcap: "1000" }];
    for (const v of variants) {
      const body = toCreateRunBody(v, ctx(v)).body;
      expect(createRunSchema.safeParse(body).success).toBe(true);
    }
  });

  it("sends a book fill model the fee, the latency legs and the session rules, not slippage nor fill sizes", () => {
    const book = { ...state, fill: "l3-fifo", latd: "uniform" as const, rlat: "5", slip: "abc", pf: false, settle: true, cal: "cme-equity" as const };
    const result = toCreateRunBody(book, ctx(book, ["l1-trades", "l3-fifo"]));
    expect(result.issues).toEqual([]);
    expect(result.body?.config).toEqual({
      fillModel: "l3-fifo",
      feePerSideUsd: 0.5,
      // Entry 2 ms, response 5 ms, each uniform over the default 1 ms spread.
      latency: { entry: { kind: "uniform", minNs: 2_000_000, maxNs: 3_000_000 }, response: { kind: "uniform", minNs: 5_000_000, maxNs: 6_000_000 } },
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 60 },
      startingCashUsd: 100000,
      seed: 0,
      from: "2025-03-03T23:00:00.000Z",
      to: "2025-03-04T22:00:00.000Z",
    });
  });

  it("reports execution problems between fields", () => {
    const overflow = { ...state, latd: "uniform" as const, lat: "59999.5", latj: "0.5" };
    expect(stepIssues("execution", overflow, ctx(overflow))).toEqual([]);
    const over = { ...overflow, latj: "0.500001" };
    expect(stepIssues("execution", over, ctx(over))).toEqual([{ path: "latj", message: "Latency + spread must be at most 60,000 ms" }]);
    const noCalendar = { ...state, cal: "none" as const };
    expect(stepIssues("execution", noCalendar, ctx(noCalendar))).toEqual([{ path: "cal", message: "Daily settlement and flattening need the exchange calendar" }]);
    expect(stepIssues("execution", { ...noCalendar, flat: false }, ctx(noCalendar))).toEqual([]);
    // Hidden fields never block: a bad spread with a constant distribution, a bad flatten time without flattening.
    const hidden = { ...state, latj: "x", flat: false, flats: "0" };
    expect(stepIssues("execution", hidden, ctx(hidden))).toEqual([]);
    expect(stepIssues("execution", { ...state, flats: "0" }, ctx(state))).toEqual([{ path: "flats", message: "Must be at least 1" }]);
  });

  it("reports problems per step with URL field paths instead of a body", () => {
    const bad = { ...state, params: { ...state.params, fast: "0" }, lat: "-1", range: "custom" as const, from: "2025-03-05", to: "2025-03-04" };
    const result = toCreateRunBody(bad, ctx(bad));
    expect(result.body).toBeNull();
    expect(result.issues).toEqual([
      { path: "to", message: "The start must be before the end" },
      { path: "range", message: "No session of the dataset in this range" },
      { path: "p.fast", message: "Must be at least 1" },
      { path: "lat", message: "Must be at least 0" },
    ]);
    expect(stepIssues("execution", bad, ctx(bad))).toEqual([{ path: "lat", message: "Must be at least 0" }]);
  });
});
