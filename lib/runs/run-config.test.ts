import { describe, expect, it } from "vitest";
import { runConfigSchema } from "./run-config";

describe("run configuration: execution options", () => {
  it("defaults to partial fills of resting limits, whole market fills, no settlement, calendar by strategy", () => {
    const config = runConfigSchema.parse({});
    expect(config).toMatchObject({ partialFills: true, marketFillsTradeSize: false, dailySettlement: false });
    expect(config.calendar).toBeUndefined();
    expect(config.latency).toBeUndefined();
    expect(config.flattenAtSessionEnd).toBeUndefined();
  });

  it("accepts latency legs (constant or seeded distributions) and session options", () => {
    const config = runConfigSchema.parse({
      latency: { entry: { kind: "uniform", minNs: 1_000_000, maxNs: 5_000_000 }, response: { kind: "lognormal", medianNs: 2_000_000, sigma: 0.5, maxNs: 50_000_000 } },
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 120 },
    });
    expect(config.latency?.entry).toEqual({ kind: "uniform", minNs: 1_000_000, maxNs: 5_000_000 });
    expect(config.flattenAtSessionEnd).toEqual({ secondsBeforeClose: 120 });
  });

  it("rejects malformed execution options", () => {
    expect(runConfigSchema.safeParse({ latency: { entry: { kind: "uniform", minNs: 5, maxNs: 1 } } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ latency: { entry: { kind: "gamma", ns: 1 } } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ calendar: "nyse" }).success).toBe(false);
    expect(runConfigSchema.safeParse({ flattenAtSessionEnd: { secondsBeforeClose: 0 } }).success).toBe(false);
    expect(runConfigSchema.safeParse({ partialFills: "yes" }).success).toBe(false);
  });
});
