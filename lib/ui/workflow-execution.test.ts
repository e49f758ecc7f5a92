import { describe, expect, it } from "vitest";
import { runConfigSchema } from "../runs/run-config";
import { describeFills, describeLatency, describeSession, executionConfig, executionFromConfig, msToNs, nsToMs } from "./workflow-execution";
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
    expect(describeLatency(state({ fill: "l3-fifo", lat: "2", latd: "uniform" }))).toBe("entry 2 ms (constant; book model)");
    expect(describeFills(state({}))).toBe("limits: up to the trade's size; market: in full");
    expect(describeFills(state({ pf: false, mts: true }))).toBe("limits: in full; market: up to the trade's size");
    expect(describeSession(state({}))).toBe("calendar when needed; no settlement; positions held over the close");
    expect(describeSession(state({ cal: "cme-equity", settle: true, flat: true, flats: "90" }))).toBe("CME equity hours; daily settlement; flatten 90 s before the close");
  });
});
