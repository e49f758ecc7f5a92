import { describe, expect, it } from "vitest";
import { defaultRaw, paramFields } from "./strategy-params";
import { resolveChoices, stepIssues, toCreateRunBody, type RequestContext } from "./workflow-request";
import { resolveRange } from "./workflow-estimate";
import { DEFAULT_STATE, type WorkflowState } from "./workflow-state";

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

function ctx(state: WorkflowState, configKeys = ["fillModel", "feePerSideUsd", "startingCashUsd", "latencyMs", "slippageTicks", "from", "to", "seed"]): RequestContext {
  return { datasetName: "mnq-demo", strategyKnown: true, fields, range: resolveRange(state, coverage), fillModels: ["l1-trades"], configKeys };
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
          from: "2025-03-03T23:00:00.000Z",
          to: "2025-03-04T22:00:00.000Z",
        },
      },
    });
  });

  it("sends only the keys the API declares (flatten once it exists)", () => {
    const narrow = toCreateRunBody(state, ctx(state, ["fillModel", "startingCashUsd", "seed"]));
    expect(narrow.body?.config).toEqual({ fillModel: "l1-trades", startingCashUsd: 100000, seed: 0 });
    const wide = toCreateRunBody(state, ctx(state, ["fillModel", "startingCashUsd", "seed", "flattenAtSessionEnd"]));
    expect(wide.body?.config).toEqual({ fillModel: "l1-trades", startingCashUsd: 100000, seed: 0, flattenAtSessionEnd: true });
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
