import { describe, expect, it } from "vitest";
import { DEFAULT_STATE, checkField, decodeWorkflow, encodeWorkflow, stateFromRun, workflowHref, type WorkflowState } from "./workflow-state";

const decode = (qs: string) => decodeWorkflow(new URLSearchParams(qs));

// Every field away from its default.
const full: WorkflowState = {
  step: "execution",
  dataset: "mnq-demo",
  range: "custom",
  from: "2025-03-04",
  to: "2025-03-06T15:00:00.000Z",
  strategy: "sma-cross",
  params: { fast: "5", slow: "20", barSeconds: "30" },
  fill: "l3-fifo",
  lat: "12.5",
  fee: "0.85",
  slip: "2",
  flat: true,
  cash: "25000",
  seed: "42",
  name: "Fast SMA & friends",
};

describe("workflow URL state", () => {
  it("round-trips every field through the query string", () => {
    const qs = encodeWorkflow(full).toString();
    expect(decode(qs)).toEqual({ state: full, notices: [] });
  });

  it("writes the documented parameter names", () => {
    const params = encodeWorkflow(full);
    expect([...params.keys()]).toEqual(["step", "dataset", "range", "from", "to", "strategy", "p.barSeconds", "p.fast", "p.slow", "fill", "lat", "fee", "slip", "flat", "cash", "seed", "name"]);
    expect(params.get("p.fast")).toBe("5");
    expect(params.get("flat")).toBe("1");
  });

  it("round-trips the defaults, and an empty query means the defaults", () => {
    expect(decode(encodeWorkflow({ ...DEFAULT_STATE }).toString()).state).toEqual(DEFAULT_STATE);
    expect(decode("")).toEqual({ state: DEFAULT_STATE, notices: [] });
  });

  it("leaves dates out of presets and infers a custom range from dates", () => {
    expect(encodeWorkflow({ ...full, range: "last5" }).has("from")).toBe(false);
    expect(decode("range=last&from=2025-03-04").state).toMatchObject({ range: "last", from: "", to: "" });
    expect(decode("from=2025-03-04").state).toMatchObject({ range: "custom", from: "2025-03-04", to: "" });
  });

  it("replaces each invalid value by its default with a message naming it", () => {
    const { state, notices } = decode("step=launch&fill=l9-magic&lat=-5&fee=abc&slip=1.5&cash=0&seed=x&flat=maybe&from=2025-02-30&dataset=bad%20name&p.fast=3");
    expect(state).toEqual({ ...DEFAULT_STATE, params: { fast: "3" } });
    expect(notices).toHaveLength(10);
    expect(notices[0]).toBe('Ignored step="launch": expected one of data, strategy, execution, review; using the first step.');
    expect(notices.some((n) => n.startsWith('Ignored lat="-5": must be at least 0'))).toBe(true);
    expect(notices.some((n) => n.startsWith('Ignored slip="1.5": must be a whole number'))).toBe(true);
    expect(notices.some((n) => n.startsWith('Ignored from="2025-02-30"'))).toBe(true);
  });

  it("drops a reversed range with one message", () => {
    const { state, notices } = decode("range=custom&from=2025-03-06&to=2025-03-04");
    expect(state).toMatchObject({ range: "custom", from: "", to: "" });
    expect(notices).toEqual(["Ignored from=2025-03-06 and to=2025-03-04: the start is not before the end; using the whole dataset."]);
    // A single session is a valid range.
    expect(decode("range=custom&from=2025-03-04&to=2025-03-04").notices).toEqual([]);
  });

  it("checks fields with the API's bounds", () => {
    expect(checkField("lat", "60000")).toBeNull();
    expect(checkField("lat", "60001")).toBe("Must be at most 60,000");
    expect(checkField("fee", "")).toBeNull();
    expect(checkField("fee", "1000.01")).toBe("Must be at most 1,000");
    expect(checkField("cash", "0")).toBe("Must be greater than 0");
    expect(checkField("seed", "2147483648")).toBe("Must be at most 2,147,483,647");
    expect(checkField("to", "2025-03-04T22:00:00Z")).toBeNull();
    expect(checkField("to", "tomorrow")).toBe("A session date (YYYY-MM-DD) or an ISO-8601 instant");
  });
});

describe("stateFromRun (run again with changes)", () => {
  // MNQ session 2025-03-04: 17:00 CST on 03-03 (23:00 UTC) to 16:00 CST on 03-04 (22:00 UTC).
  const bounds = (date: string) =>
    ({
      "2025-03-04": { openIso: "2025-03-03T23:00:00.000Z", closeIso: "2025-03-04T22:00:00.000Z" },
      "2025-03-05": { openIso: "2025-03-04T23:00:00.000Z", closeIso: "2025-03-05T22:00:00.000Z" },
    })[date] ?? null;
  const run = {
    name: "x",
    strategyId: "sma-cross",
    datasetName: "mnq-demo",
    params: { fast: 5, slow: 20, barSeconds: 60, qty: 1 },
    config: { fillModel: "l1-trades", feePerSideUsd: 0.5, startingCashUsd: 50_000, latencyMs: 3, slippageTicks: 1, seed: 7, from: "2025-03-03T23:00:00Z", to: "2025-03-05T22:00:00.000Z" },
    seed: 7,
  };

  it("carries the full configuration, window ends on session bounds as session dates", () => {
    expect(stateFromRun(run, bounds)).toEqual({
      step: "review",
      dataset: "mnq-demo",
      range: "custom",
      from: "2025-03-04",
      to: "2025-03-05",
      strategy: "sma-cross",
      params: { fast: "5", slow: "20", barSeconds: "60", qty: "1" },
      fill: "l1-trades",
      lat: "3",
      fee: "0.5",
      slip: "1",
      flat: false,
      cash: "50000",
      seed: "7",
      name: "",
    });
  });

  it("keeps a window that does not sit on session bounds as instants, and no window as the whole dataset", () => {
    const odd = stateFromRun({ ...run, config: { ...run.config, from: "2025-03-04T14:30:00Z", to: "2025-03-04T20:00:00Z" } }, bounds);
    expect(odd).toMatchObject({ range: "custom", from: "2025-03-04T14:30:00.000Z", to: "2025-03-04T20:00:00.000Z" });
    expect(stateFromRun({ ...run, config: { fillModel: "l1-trades" } }, bounds, "strategy")).toMatchObject({ step: "strategy", range: "all", from: "", fee: "", cash: "100000" });
  });

  it("yields a link whose state decodes back unchanged", () => {
    const state = stateFromRun(run, bounds);
    const href = workflowHref(state);
    expect(href.startsWith("/backtests/new?step=review&dataset=mnq-demo&range=custom&from=2025-03-04&to=2025-03-05&strategy=sma-cross")).toBe(true);
    expect(decode(href.split("?")[1])).toEqual({ state, notices: [] });
  });
});
