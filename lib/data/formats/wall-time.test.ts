import { describe, expect, it } from "vitest";
import { parseEpochNs, parseIsoNs, TimePattern, UTC_CLOCK, WallClock } from "./wall-time";

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;

describe("timestamps of vendor files", () => {
  it("reads ISO-8601 with nanoseconds and offsets", () => {
    expect(parseIsoNs("2020-12-28T13:00:00.098821953Z", UTC_CLOCK)).toBe(1_609_160_400_098_821_953n);
    expect(parseIsoNs("2024-07-01 18:58:00.5-05:00", UTC_CLOCK)).toBe(ns("2024-07-01T23:58:00.500Z"));
    expect(parseIsoNs("2024-07-01T18:58:00", new WallClock("America/Chicago"))).toBe(ns("2024-07-01T23:58:00Z"));
    expect(parseIsoNs("2024-02-30T00:00:00Z", UTC_CLOCK)).toBeNull();
    expect(parseIsoNs("yesterday", UTC_CLOCK)).toBeNull();
  });

  it("reads epoch counts exactly", () => {
    expect(parseEpochNs("1609160400", "s")).toBe(1_609_160_400_000_000_000n);
    expect(parseEpochNs("1609160400098", "ms")).toBe(1_609_160_400_098_000_000n);
    expect(parseEpochNs("1609160400.5", "s")).toBe(1_609_160_400_500_000_000n);
    expect(parseEpochNs("1609160400098821953", "ns")).toBe(1_609_160_400_098_821_953n);
    expect(parseEpochNs("1.5", "ns")).toBeNull();
  });

  it("reads patterns, fraction digits included", () => {
    const p = new TimePattern("yyyy-MM-dd HH:mm:ss.SSS");
    expect(p.parse("2025-03-03 14:30:00.125", UTC_CLOCK)).toBe(ns("2025-03-03T14:30:00.125Z"));
    expect(p.parse("2025-03-03 14:30:00", UTC_CLOCK)).toBeNull();
    expect(new TimePattern("dd/MM/yyyy HH:mm:ss").parse("03/03/2025 09:30:00", new WallClock("America/New_York"))).toBe(ns("2025-03-03T14:30:00Z"));
  });

  it("follows DST in the given zone: summer and winter offsets, the fall-back overlap takes the earlier instant", () => {
    const ny = new WallClock("America/New_York");
    expect(ny.toNs(2025, 7, 1, 9, 30, 0, 0, 0)).toBe(ns("2025-07-01T13:30:00Z")); // EDT, UTC-4
    expect(ny.toNs(2025, 1, 6, 9, 30, 0, 0, 0)).toBe(ns("2025-01-06T14:30:00Z")); // EST, UTC-5
    expect(ny.toNs(2024, 11, 3, 1, 30, 0, 0, 0)).toBe(ns("2024-11-03T05:30:00Z")); // first 01:30 (EDT)
    expect(ny.toNs(2024, 3, 10, 2, 30, 0, 0, 0)).toBe(ns("2024-03-10T07:30:00Z")); // gap: 03:30 EDT
    expect(() => new WallClock("Mars/Olympus")).toThrow(/Unknown time zone/);
  });
});
