import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { buildRollSchedule, contractAt, type ContractDayStats, type Roll } from "./roll-schedule";

/** Expects `fn` to throw an AppError with `code` and a message matching `pattern`. */
function expectAppError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe(code);
    expect((error as AppError).message).toMatch(pattern);
    return;
  }
  throw new Error("expected an AppError");
}

const day = (sessionDate: string, u: number, z: number, extra: Partial<ContractDayStats> = {}): ContractDayStats[] => [
  { sessionDate, symbol: "ESU4", volume: u, ...extra },
  { sessionDate, symbol: "ESZ4", volume: z, ...extra },
];

describe("calendar roll rule", () => {
  it("rolls ESU4 -> ESZ4 on session 2024-09-12, 8 calendar days before the 2024-09-20 last trade", () => {
    const schedule = buildRollSchedule("ES", "2024-09-01", "2024-09-30", { kind: "calendar" });
    expect(schedule).toEqual({
      root: "ES",
      fromDate: "2024-09-01",
      toDate: "2024-09-30",
      initial: "ESU4",
      rolls: [{ sessionDate: "2024-09-12", from: "ESU4", to: "ESZ4" }],
    });
  });

  it("rolls MNQ H/M/U/Z over 2025 on the Thursday 8 days before each third Friday", () => {
    // Expiries 2025-03-21, 06-20, 09-19, 12-19 -> rolls 03-13, 06-12, 09-11, 12-11.
    const schedule = buildRollSchedule("MNQ", "2025-01-01", "2025-12-31", { kind: "calendar" });
    expect(schedule.initial).toBe("MNQH5");
    expect(schedule.rolls).toEqual([
      { sessionDate: "2025-03-13", from: "MNQH5", to: "MNQM5" },
      { sessionDate: "2025-06-12", from: "MNQM5", to: "MNQU5" },
      { sessionDate: "2025-09-11", from: "MNQU5", to: "MNQZ5" },
      { sessionDate: "2025-12-11", from: "MNQZ5", to: "MNQH6" },
    ]);
  });

  it("uses calendar days and moves a non-session roll date to the next session", () => {
    // 2024-09-20 - 6 days = Saturday 2024-09-14 -> first session on or after it: Monday 2024-09-16.
    expect(buildRollSchedule("ES", "2024-09-01", "2024-09-30", { kind: "calendar", daysBeforeExpiry: 6 }).rolls[0].sessionDate).toBe("2024-09-16");
    // N = 0: the expiry session itself is the first one traded in the next contract.
    expect(buildRollSchedule("ES", "2024-09-01", "2024-09-30", { kind: "calendar", daysBeforeExpiry: 0 }).rolls[0].sessionDate).toBe("2024-09-20");
  });

  it("starts in the next contract when the range begins after the roll date", () => {
    const schedule = buildRollSchedule("ES", "2024-09-12", "2024-09-30", { kind: "calendar" });
    expect(schedule.initial).toBe("ESZ4");
    expect(schedule.rolls).toEqual([]);
  });

  it("rejects invalid parameters", () => {
    expectAppError(() => buildRollSchedule("ES", "2024-09-01", "2024-09-30", { kind: "calendar", daysBeforeExpiry: -1 }), "bad_request", /daysBeforeExpiry/);
    expectAppError(() => buildRollSchedule("ES", "2024-09-30", "2024-09-01", { kind: "calendar" }), "bad_request", /empty/);
    expectAppError(() => buildRollSchedule("XX", "2024-09-01", "2024-09-30", { kind: "calendar" }), "bad_request", /Unknown contract root/);
  });
});

describe("volume crossover roll rule", () => {
  it("rolls on the session after the first session where the next contract trades more, and never rolls back", () => {
    const stats = [
      ...day("2024-09-09", 1000, 200),
      ...day("2024-09-10", 900, 900), // equal: no crossover (strictly more is required)
      ...day("2024-09-11", 700, 800), // crossover observed at the close of 2024-09-11
      ...day("2024-09-12", 900, 100), // ESU4 ahead again: no roll back
    ];
    const schedule = buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "volume", stats });
    expect(schedule.initial).toBe("ESU4");
    expect(schedule.rolls).toEqual([{ sessionDate: "2024-09-12", from: "ESU4", to: "ESZ4" }]);
  });

  it("starts in the next contract when the session before the range already shows the crossover", () => {
    const stats = day("2024-09-13", 500, 600);
    const schedule = buildRollSchedule("ES", "2024-09-16", "2024-09-27", { kind: "volume", stats });
    expect(schedule).toMatchObject({ initial: "ESZ4", rolls: [] });
  });

  it("maps a Friday crossover to the Monday session", () => {
    const stats = [...day("2024-09-12", 700, 600), ...day("2024-09-13", 500, 600)];
    const schedule = buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "volume", stats });
    expect(schedule.rolls).toEqual([{ sessionDate: "2024-09-16", from: "ESU4", to: "ESZ4" }]);
  });

  it("forces the roll on the expiry session when the volume never crosses", () => {
    const stats = ["2024-09-09", "2024-09-10", "2024-09-11", "2024-09-12", "2024-09-13", "2024-09-16", "2024-09-17", "2024-09-18", "2024-09-19"].flatMap((d) => day(d, 1000, 1000));
    const schedule = buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "volume", stats });
    expect(schedule.rolls).toEqual([{ sessionDate: "2024-09-20", from: "ESU4", to: "ESZ4" }]);
  });

  it("forces the roll at expiry with no data at all", () => {
    const schedule = buildRollSchedule("ES", "2024-09-01", "2024-12-31", { kind: "volume", stats: [] });
    expect(schedule.rolls).toEqual([
      { sessionDate: "2024-09-20", from: "ESU4", to: "ESZ4" },
      { sessionDate: "2024-12-20", from: "ESZ4", to: "ESH5" },
    ]);
  });

  it("rejects duplicate rows and negative volume", () => {
    expectAppError(() => buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "volume", stats: [...day("2024-09-10", 1, 2), ...day("2024-09-10", 1, 2)] }), "bad_request", /Duplicate/);
    expectAppError(() => buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "volume", stats: day("2024-09-10", -1, 2) }), "bad_request", /Invalid volume/);
  });
});

describe("open-interest crossover roll rule", () => {
  it("rolls on the session after open interest crosses", () => {
    const stats = [
      ...day("2024-09-13", 0, 0).map((r) => ({ ...r, openInterest: r.symbol === "ESU4" ? 2_000_000 : 1_500_000 })),
      ...day("2024-09-16", 0, 0).map((r) => ({ ...r, openInterest: r.symbol === "ESU4" ? 1_400_000 : 1_600_000 })),
    ];
    const schedule = buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "open-interest", stats });
    expect(schedule.rolls).toEqual([{ sessionDate: "2024-09-17", from: "ESU4", to: "ESZ4" }]);
  });

  it("fails clearly when the data has no open interest", () => {
    const stats = day("2024-09-13", 100, 200);
    expectAppError(() => buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "open-interest", stats }), "unprocessable", /needs open interest.*has none/);
  });

  it("fails clearly when one row lacks open interest", () => {
    const stats = [...day("2024-09-13", 0, 0, { openInterest: 10 }), { sessionDate: "2024-09-16", symbol: "ESZ4", volume: 5 }];
    expectAppError(() => buildRollSchedule("ES", "2024-09-09", "2024-09-27", { kind: "open-interest", stats }), "unprocessable", /missing for ESZ4 on 2024-09-16/);
  });
});

describe("manual roll schedule", () => {
  const manual = (rolls: Roll[], toDate = "2024-12-31", initial?: string) =>
    buildRollSchedule("ES", "2024-09-01", toDate, { kind: "manual", rolls, initial });

  it("accepts a valid list and canonicalises symbols", () => {
    const schedule = manual([
      { sessionDate: "2024-09-16", from: "ES 09-24", to: "ESZ24" },
      { sessionDate: "2024-12-12", from: "ESZ4", to: "ESH5" },
    ]);
    expect(schedule.initial).toBe("ESU4");
    expect(schedule.rolls).toEqual([
      { sessionDate: "2024-09-16", from: "ESU4", to: "ESZ4" },
      { sessionDate: "2024-12-12", from: "ESZ4", to: "ESH5" },
    ]);
  });

  it("accepts a range without rolls given the initial contract", () => {
    expect(manual([], "2024-09-10", "ESU4").initial).toBe("ESU4");
  });

  it("rejects dates out of order", () => {
    expectAppError(
      () => manual([{ sessionDate: "2024-09-16", from: "ESU4", to: "ESZ4" }, { sessionDate: "2024-09-13", from: "ESZ4", to: "ESH5" }]),
      "bad_request",
      /Manual roll 2 .*chronological/,
    );
  });

  it("rejects skipping a quarterly contract", () => {
    expectAppError(() => manual([{ sessionDate: "2024-09-16", from: "ESU4", to: "ESH5" }], "2024-10-31"), "bad_request", /ESH5 is not the contract after ESU4 \(ESZ4\)/);
  });

  it("rejects a chain that does not continue from the traded contract", () => {
    expectAppError(
      () => manual([{ sessionDate: "2024-09-16", from: "ESU4", to: "ESZ4" }, { sessionDate: "2024-12-12", from: "ESU4", to: "ESZ4" }]),
      "bad_request",
      /rolls out of ESU4 but ESZ4/,
    );
  });

  it("rejects a date that is not a session", () => {
    expectAppError(() => manual([{ sessionDate: "2024-09-14", from: "ESU4", to: "ESZ4" }], "2024-10-31"), "bad_request", /2024-09-14 is not a trading session/);
  });

  it("rejects a roll after the old contract's expiry session", () => {
    expectAppError(() => manual([{ sessionDate: "2024-09-23", from: "ESU4", to: "ESZ4" }], "2024-10-31"), "bad_request", /ESU4 expires on 2024-09-20/);
  });

  it("rejects a schedule that trades a contract through its expiry", () => {
    expectAppError(() => manual([], "2024-10-31", "ESU4"), "bad_request", /no roll out of it/);
  });

  it("rejects another root and an empty list without an initial contract", () => {
    expectAppError(() => manual([{ sessionDate: "2024-09-16", from: "NQU4", to: "NQZ4" }], "2024-10-31"), "bad_request", /not a ES contract/);
    expectAppError(() => manual([]), "bad_request", /at least one roll/);
  });
});

describe("contractAt", () => {
  const schedule = buildRollSchedule("ES", "2024-09-01", "2024-09-30", { kind: "calendar" });

  it("returns the old contract up to the session before the roll and the new one from the roll session", () => {
    expect(contractAt(schedule, "2024-09-01")).toBe("ESU4");
    expect(contractAt(schedule, "2024-09-11")).toBe("ESU4");
    expect(contractAt(schedule, "2024-09-12")).toBe("ESZ4");
    expect(contractAt(schedule, "2024-09-30")).toBe("ESZ4");
  });

  it("refuses dates outside the schedule's range", () => {
    expectAppError(() => contractAt(schedule, "2024-08-31"), "bad_request", /outside/);
    expectAppError(() => contractAt(schedule, "2024-10-01"), "bad_request", /outside/);
  });
});
