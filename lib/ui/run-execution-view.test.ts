import { describe, expect, it } from "vitest";
import { describeRunExecution } from "./run-execution-view";

describe("describeRunExecution", () => {
  it("shows a plain constant latency and the defaults of an old run", () => {
    const view = describeRunExecution({ latencyMs: 3 });
    expect(view.latency).toBe("entry 3 ms, response 0 ms (constant)");
    expect(view.fills).toBe("limits: up to the trade's size; market: in full");
    expect(view.session).toBe("calendar when needed; no settlement; positions held over the close");
  });

  it("shows latency legs, fill sizes and session options as stored", () => {
    const view = describeRunExecution({
      fillModel: "l1-trades",
      latency: { entry: { kind: "uniform", minNs: 1_000_000, maxNs: 3_000_000 }, response: { kind: "uniform", minNs: 500_000, maxNs: 2_500_000 } },
      partialFills: false,
      marketFillsTradeSize: true,
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 120 },
    });
    expect(view.latency).toBe("entry 1–3 ms, response 0.5–2.5 ms (uniform)");
    expect(view.fills).toBe("limits: in full; market: up to the trade's size");
    expect(view.session).toBe("CME equity hours; daily settlement; flatten 120 s before the close");
  });

  it("says the book models size fills from the book", () => {
    expect(describeRunExecution({ fillModel: "l3-fifo", latencyMs: 1 }).fills).toBe("by the book model");
  });
});
