import { describe, expect, it } from "vitest";
import { rollDatesBetween } from "./coverage";

// Expiries: third Friday of Mar/Jun/Sep/Dec; CME's calendar roll is 8 calendar days earlier (Thursday).
describe("calendar roll dates of a coverage range", () => {
  it("lists the quarterly rolls inside the range, 8 days before each expiry", () => {
    // MNQH5 expires Fri 2025-03-21 -> roll Thu 2025-03-13; MNQM5 Fri 2025-06-20 -> Thu 2025-06-12.
    expect(rollDatesBetween("MNQ", "2025-03-03", "2025-06-30")).toEqual([
      { sessionDate: "2025-03-13", from: "MNQH5", to: "MNQM5" },
      { sessionDate: "2025-06-12", from: "MNQM5", to: "MNQU5" },
    ]);
  });

  it("includes a roll on the first and on the last session of the range, and nothing outside it", () => {
    // ESU4 expires Fri 2024-09-20 -> roll Thu 2024-09-12 (docs/DOMAIN.md, roll-schedule.ts).
    const roll = { sessionDate: "2024-09-12", from: "ESU4", to: "ESZ4" };
    expect(rollDatesBetween("ES", "2024-09-12", "2024-09-13")).toEqual([roll]);
    expect(rollDatesBetween("ES", "2024-09-09", "2024-09-12")).toEqual([roll]);
    expect(rollDatesBetween("ES", "2024-09-13", "2024-12-01")).toEqual([]);
    expect(rollDatesBetween("ES", "2024-09-02", "2024-09-11")).toEqual([]);
  });

  it("has no roll for a range without sessions (a weekend)", () => {
    expect(rollDatesBetween("MNQ", "2025-03-08", "2025-03-09")).toEqual([]);
  });
});
