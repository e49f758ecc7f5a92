import { describe, expect, it } from "vitest";
import { runConfigSchema } from "../runs/run-config";
import {
  describeFills,
  describeLatency,
  describeSession,
  executionConfig,
  executionFields,
  executionFromConfig,
  executionIssues,
  msToNs,
  nsToMs,
  takesLatencyLegs,
  takesSessionOptions,
  takesTradeEngineOptions,
} from "./workflow-execution";
import { DEFAULT_STATE, type WorkflowState } from "./workflow-state";

const state = (patch: Partial<WorkflowState>): WorkflowState => ({ ...DEFAULT_STATE, ...patch });

describe("execution options", () => {
  it("converts ms to whole ns and back without float noise", () => {
    expect(msToNs("0.1")).toBe(100_000);
    expect(msToNs("12.5")).toBe(12_500_000);
    expect(msToNs("0.000001")).toBe(1);
    expect(msToNs("60000")).toBe(60_000_000_000);
    expect(nsToMs(1)).toBe("0.000001");
    expect(nsToMs(2_500_000)).toBe("2.5");
  });

  it("reads back what it sends, through the API's schema (defaults filled in by the server)", () => {
    const states = [
      state({}),
      state({ lat: "3", rlat: "0.25" }),
      state({ latd: "uniform", lat: "1.5", rlat: "0", latj: "2.5" }),
      state({ latd: "lognormal", lat: "2", rlat: "8", lats: "0.75", latcap: "15" }),
      state({ pf: false, mts: true, cal: "cme-equity", settle: true, flat: true, flats: "120" }),
      state({ cal: "none" }),
    ];
    for (const s of states) {
      const stored = runConfigSchema.parse(executionConfig(s));
      const back = executionFromConfig(stored as Record<string, unknown>, DEFAULT_STATE);
      const { lat, rlat, latd, latj, lats, latcap, pf, mts, cal, settle, flat, flats } = s;
      expect(back).toEqual({ lat, rlat, latd, latj, lats, latcap, pf, mts, cal, settle, flat, flats });
    }
  });

  it("describes latency, fill sizes and session rules in one line each", () => {
    expect(describeLatency(state({ lat: "2" }))).toBe("entry 2 ms, response 0 ms (constant)");
    expect(describeLatency(state({ latd: "uniform", lat: "1", rlat: "0.5", latj: "2" }))).toBe("entry 1–3 ms, response 0.5–2.5 ms (uniform)");
    expect(describeLatency(state({ latd: "lognormal", lat: "4", rlat: "10", lats: "0.3", latcap: "12.5" }))).toBe(
      "median entry 4 ms, response 10 ms (log-normal, σ 0.3, cap ×12.5)",
    );
    // The book models take latency legs with distributions too.
    expect(describeLatency(state({ fill: "l3-fifo", lat: "2", latd: "uniform" }))).toBe("entry 2–3 ms, response 0–1 ms (uniform)");
    expect(describeFills(state({}))).toBe("limits: up to the trade's size; market: in full");
    expect(describeFills(state({ pf: false, mts: true }))).toBe("limits: in full; market: up to the trade's size");
    expect(describeSession(state({}))).toBe("calendar when needed; no settlement; positions held over the close");
    expect(describeSession(state({ cal: "cme-equity", settle: true, flat: true, flats: "90" }))).toBe("CME equity hours; daily settlement; flatten 90 s before the close");
  });

  it("enables latency legs and session rules for the book models; slippage and fill sizes stay l1-trades options", () => {
    for (const fill of ["l1-quotes", "l2-queue", "l3-fifo"]) {
      expect([takesLatencyLegs(fill), takesSessionOptions(fill), takesTradeEngineOptions(fill)]).toEqual([true, true, false]);
    }
    expect([takesLatencyLegs("l1-trades"), takesSessionOptions("l1-trades"), takesTradeEngineOptions("l1-trades")]).toEqual([true, true, true]);
    const book = state({ fill: "l3-fifo", latd: "lognormal", lat: "2", rlat: "8", lats: "0.75", latcap: "15", slip: "3", pf: false, cal: "cme-equity", settle: true, flat: true, flats: "120" });
    expect(executionConfig(book)).toEqual({
      fillModel: "l3-fifo",
      latency: { entry: { kind: "lognormal", medianNs: 2_000_000, sigma: 0.75, maxNs: 30_000_000 }, response: { kind: "lognormal", medianNs: 8_000_000, sigma: 0.75, maxNs: 120_000_000 } },
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 120 },
    });
    // A constant entry leg without a response leg is still the plain latencyMs.
    expect(executionConfig(state({ fill: "l2-queue", lat: "1.5" }))).toEqual({ fillModel: "l2-queue", latencyMs: 1.5, dailySettlement: false });
    expect(executionFields(book)).toEqual(["lat", "fee", "rlat", "lats", "latcap", "flats", "cash", "seed"]);
    expect(executionIssues(state({ fill: "l1-quotes", cal: "none", flat: true }))).toEqual([{ path: "cal", message: "Daily settlement and flattening need the exchange calendar" }]);
    expect(describeSession(state({ fill: "l1-quotes", cal: "cme-equity", flat: true, flats: "30" }))).toBe("CME equity hours; no settlement; flatten 30 s before the close");
    expect(describeFills(state({ fill: "l1-quotes" }))).toBe("by the book model");
    // What the workflow sends a book model is what it reads back.
    const stored = runConfigSchema.parse(executionConfig(book));
    const { lat, rlat, latd, latj, lats, latcap, cal, settle, flat, flats } = book;
    expect(executionFromConfig(stored as Record<string, unknown>, DEFAULT_STATE)).toMatchObject({ lat, rlat, latd, latj, lats, latcap, cal, settle, flat, flats });
  });
});
