import { describe, expect, it } from "vitest";
import type { RunProgressDto } from "../runs/run-dto";
import { LIVE_POINTS_MAX, appendLiveEquity, heartbeatAgeSec, initialLiveRun, isStalledNow, mergeProgress, progressPercent, reduceLiveRun } from "./run-progress";

const base: RunProgressDto = {
  runId: "r1",
  status: "running",
  progress: 0.5,
  eventsProcessed: 500,
  eventsTotal: 1000,
  eventsPerSec: 100,
  simTimeNs: "1741188662000000000",
  equityUsd: 100_000,
  etaMs: 5000,
  heartbeatAt: "2025-03-05T15:31:02.000Z",
  stalled: false,
  attempt: 1,
  error: null,
  finishedAt: null,
};
const at = (patch: Partial<RunProgressDto>): RunProgressDto => ({ ...base, ...patch });

describe("mergeProgress", () => {
  it("takes a newer update of the same attempt", () => {
    const next = at({ eventsProcessed: 600, progress: 0.6 });
    expect(mergeProgress(base, next)).toBe(next);
  });

  it("ignores a stale update that would move progress backwards", () => {
    expect(mergeProgress(base, at({ eventsProcessed: 400 }))).toBe(base);
  });

  it("never reopens a finished run of the same attempt", () => {
    const done = at({ status: "succeeded", progress: 1 });
    expect(mergeProgress(done, at({ status: "running" }))).toBe(done);
  });

  it("follows a retry (higher attempt) and ignores older attempts", () => {
    const failed = at({ status: "failed" });
    const retry = at({ status: "queued", attempt: 2, progress: 0, eventsProcessed: 0 });
    expect(mergeProgress(failed, retry)).toBe(retry);
    expect(mergeProgress(retry, at({ attempt: 1 }))).toBe(retry);
  });

  it("ignores updates for another run", () => {
    expect(mergeProgress(base, at({ runId: "r2", eventsProcessed: 900 }))).toBe(base);
  });
});

describe("appendLiveEquity", () => {
  it("appends points in simulated-time order and skips repeats", () => {
    const one = appendLiveEquity([], base);
    expect(one).toEqual([{ tsMs: 1741188662000, equityUsd: 100_000 }]);
    expect(appendLiveEquity(one, base)).toBe(one);
    expect(appendLiveEquity(one, at({ simTimeNs: "1741188663000000000", equityUsd: 100_010 }))).toHaveLength(2);
  });

  it("skips updates without equity or time", () => {
    expect(appendLiveEquity([], at({ equityUsd: null }))).toEqual([]);
    expect(appendLiveEquity([], at({ simTimeNs: null }))).toEqual([]);
  });

  it("thins the series instead of growing without bound", () => {
    let points = appendLiveEquity([], base);
    for (let i = 1; i <= LIVE_POINTS_MAX; i++) {
      points = appendLiveEquity(points, at({ simTimeNs: String(1741188662000000000n + BigInt(i) * 1_000_000_000n) }));
    }
    expect(points.length).toBeLessThanOrEqual(LIVE_POINTS_MAX);
    expect(points[points.length - 1].tsMs).toBe(1741188662000 + LIVE_POINTS_MAX * 1000);
  });
});

describe("heartbeat and stall", () => {
  const hb = Date.parse(base.heartbeatAt!);

  it("measures the heartbeat age in whole seconds", () => {
    expect(heartbeatAgeSec(base.heartbeatAt, hb + 4_900)).toBe(4);
    expect(heartbeatAgeSec(null, hb)).toBeNull();
    expect(heartbeatAgeSec(base.heartbeatAt, null)).toBeNull();
  });

  it("flags a running run after more than 10 s without a heartbeat", () => {
    expect(isStalledNow(base, hb + 10_000)).toBe(false);
    expect(isStalledNow(base, hb + 11_000)).toBe(true);
  });

  it("never flags a run that is not running, and trusts the server's flag", () => {
    expect(isStalledNow(at({ status: "queued" }), hb + 60_000)).toBe(false);
    expect(isStalledNow(at({ stalled: true }), hb)).toBe(true);
  });
});

describe("progressPercent", () => {
  it("rounds down and shows 100 once succeeded", () => {
    expect(progressPercent(at({ progress: 0.999 }))).toBe(99);
    expect(progressPercent(at({ status: "succeeded", progress: 0.999 }))).toBe(100);
    expect(progressPercent(at({ progress: 0.29 }))).toBe(29);
  });
});

describe("reduceLiveRun", () => {
  it("accumulates equity while running and keeps it once the run ends", () => {
    let state = initialLiveRun(base);
    state = reduceLiveRun(state, at({ eventsProcessed: 600, simTimeNs: "1741188663000000000", equityUsd: 100_050 }));
    expect(state.liveEquity.map((p) => p.equityUsd)).toEqual([100_000, 100_050]);
    state = reduceLiveRun(state, at({ status: "succeeded", progress: 1, eventsProcessed: 1000, simTimeNs: "1741188664000000000", equityUsd: 100_070 }));
    expect(state.progress.status).toBe("succeeded");
    expect(state.liveEquity).toHaveLength(2);
  });

  it("returns the same state for an ignored update", () => {
    const state = initialLiveRun(base);
    expect(reduceLiveRun(state, at({ eventsProcessed: 10 }))).toBe(state);
  });

  it("starts a new curve when a retry begins", () => {
    let state = initialLiveRun(base);
    state = reduceLiveRun(state, at({ attempt: 2, eventsProcessed: 1, simTimeNs: "1741188600000000000", equityUsd: 100_000 }));
    expect(state.liveEquity).toEqual([{ tsMs: 1741188600000, equityUsd: 100_000 }]);
  });
});
