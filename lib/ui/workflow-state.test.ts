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
  rlat: "0.25",
  latd: "lognormal",
  latj: "3",
  lats: "0.8",
  latcap: "20",
  fee: "0.85",
  slip: "2",
  pf: false,
  mts: true,
  cal: "cme-equity",
  settle: true,
  flat: true,
  flats: "300",
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
    expect([...params.keys()]).toEqual([
      "step", "dataset", "range", "from", "to", "strategy", "p.barSeconds", "p.fast", "p.slow", "fill",
      "lat", "rlat", "latd", "latj", "lats", "latcap", "fee", "slip", "pf", "mts", "cal", "settle", "flat", "flats", "cash", "seed", "name",
    ]);
    expect(params.get("p.fast")).toBe("5");
    expect(params.get("flat")).toBe("1");
    expect(params.get("pf")).toBe("0");
    expect(params.get("mts")).toBe("1");
    expect(params.get("cal")).toBe("cme-equity");
  });

  it("leaves the optional execution fields out at their defaults and reads them back as defaults", () => {
    const defaults = encodeWorkflow({ ...DEFAULT_STATE });
    expect([...defaults.keys()]).toEqual(["step", "range", "fill", "lat", "slip", "cash", "seed"]);
    expect(DEFAULT_STATE).toMatchObject({ rlat: "0", latd: "constant", pf: true, mts: false, cal: "auto", settle: false, flat: false, flats: "60" });
    // Each optional field on its own, away from its default, round-trips.
    const one: Partial<WorkflowState>[] = [
      { rlat: "4" },
      { latd: "uniform" },
      { latj: "0.5" },
      { lats: "0" },
      { latcap: "2.5" },
      { pf: false },
      { mts: true },
      { cal: "none" },
      { cal: "cme-equity" },
      { settle: true },
      { flat: true },
      { flats: "1" },
    ];
    for (const patch of one) {
      const state = { ...DEFAULT_STATE, ...patch };
      const qs = encodeWorkflow(state);
      expect([...qs.keys()]).toHaveLength(8);
      expect(decode(qs.toString())).toEqual({ state, notices: [] });
    }
  });

  it("replaces each invalid execution value by its default with a message naming it", () => {
    const { state, notices } = decode("rlat=60001&latd=gaussian&latj=0.00000001&lats=5.5&latcap=0.5&pf=yes&mts=2&cal=nyse&settle=on&flats=0");
    expect(state).toEqual(DEFAULT_STATE);
    expect(notices).toEqual([
      'Ignored latd="gaussian": expected one of constant, uniform, lognormal; using constant.',
      'Ignored cal="nyse": expected one of auto, cme-equity, none; using auto.',
      'Ignored rlat="60001": must be at most 60,000; using 0.',
      'Ignored latj="0.00000001": at most 6 decimals (1 ns); using 1.',
      'Ignored lats="5.5": must be at most 5; using 0.5.',
      'Ignored latcap="0.5": must be at least 1; using 10.',
      'Ignored flats="0": must be at least 1; using 60.',
      'Ignored pf="yes": expected 1 or 0; using on.',
      'Ignored mts="2": expected 1 or 0; using off.',
      'Ignored settle="on": expected 1 or 0; using off.',
    ]);
    expect(decode("pf=false&mts=true&settle=1&flat=true").state).toMatchObject({ pf: false, mts: true, settle: true, flat: true });
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
    expect(checkField("rlat", "0.000001")).toBeNull();
    expect(checkField("rlat", "0.0000015")).toBe("At most 6 decimals (1 ns)");
    expect(checkField("lats", "5")).toBeNull();
    expect(checkField("latcap", "1")).toBeNull();
    expect(checkField("flats", "3600")).toBeNull();
    expect(checkField("flats", "3601")).toBe("Must be at most 3,600");
    expect(checkField("flats", "1.5")).toBe("Must be a whole number");
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
      rlat: "0",
      latd: "constant",
      latj: "1",
      lats: "0.5",
      latcap: "10",
      fee: "0.5",
      slip: "1",
      pf: true,
      mts: false,
      cal: "auto",
      settle: false,
      flat: false,
      flats: "60",
      cash: "50000",
      seed: "7",
      name: "",
    });
  });

  it("carries latency legs, fill sizes and session rules", () => {
    const config = {
      ...run.config,
      latencyMs: 0,
      latency: { entry: { kind: "uniform", minNs: 1_500_000, maxNs: 4_000_000 }, response: { kind: "uniform", minNs: 250_000, maxNs: 2_750_000 } },
      partialFills: false,
      marketFillsTradeSize: true,
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 120 },
    };
    expect(stateFromRun({ ...run, config }, bounds)).toMatchObject({
      lat: "1.5",
      rlat: "0.25",
      latd: "uniform",
      latj: "2.5",
      pf: false,
      mts: true,
      cal: "cme-equity",
      settle: true,
      flat: true,
      flats: "120",
    });
    const lognormal = { ...run.config, latency: { entry: { kind: "lognormal", medianNs: 2_000_000, sigma: 0.75, maxNs: 30_000_000 } } };
    // The omitted response leg is the schema's constant 0.
    expect(stateFromRun({ ...run, config: lognormal }, bounds)).toMatchObject({ lat: "2", rlat: "0", latd: "lognormal", lats: "0.75", latcap: "15", flat: false });
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
