import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { IntervalClock } from "./interval-clock";

const MINUTE = 60e9;

describe("IntervalClock", () => {
  it("ends an interval on the epoch grid even when the batch origin is not on it", () => {
    const clock = new IntervalClock(MINUTE);
    const base = 1_704_153_600_000_000_000n + 37_500_000_000n; // 37.5 s past a minute
    clock.rebase(0n, base);
    clock.openAt(0);
    expect(clock.endNs(base)).toBe(1_704_153_660_000_000_000n);
    expect(clock.startNs(base)).toBe(1_704_153_600_000_000_000n);
  });

  it("puts an event exactly on a boundary into the next interval", () => {
    const clock = new IntervalClock(MINUTE);
    clock.rebase(0n, 0n);
    clock.openAt(MINUTE);
    expect(clock.endOffset).toBe(2 * MINUTE);
  });

  it("opens the next interval by adding one period, or skips empty intervals, without drifting", () => {
    const clock = new IntervalClock(MINUTE);
    clock.rebase(0n, 7n);
    clock.openAt(10e9);
    expect(clock.endOffset).toBe(MINUTE - 7);
    clock.openAt(MINUTE - 7);
    expect(clock.endOffset).toBe(2 * MINUTE - 7);
    clock.openAt(5 * MINUTE + 3);
    expect(clock.endOffset).toBe(6 * MINUTE - 7);
  });

  it("keeps the open interval's end when the origin moves to a new batch", () => {
    const clock = new IntervalClock(MINUTE);
    const first = 1_704_153_600_000_000_000n;
    clock.rebase(0n, first);
    clock.openAt(10e9);
    const second = first + 3_600_000_000_123n;
    clock.rebase(first, second);
    expect(clock.endNs(second)).toBe(first + 60_000_000_000n);
    expect(clock.endOffset).toBeLessThan(0);
  });

  it("rejects fractional, zero and over-long periods", () => {
    expect(() => new IntervalClock(0)).toThrow(AppError);
    expect(() => new IntervalClock(1.5)).toThrow(AppError);
    expect(() => new IntervalClock(32 * 86_400e9)).toThrow(AppError);
  });
});
