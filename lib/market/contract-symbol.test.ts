import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import {
  formatContractSymbol,
  lastTradeNs,
  listContracts,
  monthCode,
  monthFromCode,
  parseContractSymbol,
  resolveOneDigitYear,
  thirdFriday,
} from "./contract-symbol";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

describe("parsing contract symbols", () => {
  it("reads the CME one-digit-year form", () => {
    expect(parseContractSymbol("MNQZ5")).toEqual({ root: "MNQ", monthCode: "Z", month: 12, year: 2025 });
    expect(parseContractSymbol("ESH4")).toEqual({ root: "ES", monthCode: "H", month: 3, year: 2024 });
  });

  it("reads the two-digit-year form", () => {
    expect(parseContractSymbol("MNQZ25")).toEqual({ root: "MNQ", monthCode: "Z", month: 12, year: 2025 });
  });

  it("reads the NinjaTrader form", () => {
    expect(parseContractSymbol("MNQ 12-25")).toEqual({ root: "MNQ", monthCode: "Z", month: 12, year: 2025 });
    expect(parseContractSymbol("MNQ 03-26")).toEqual({ root: "MNQ", monthCode: "H", month: 3, year: 2026 });
  });

  it("ignores case and surrounding spaces", () => {
    expect(parseContractSymbol("  mnqu4 ")).toEqual({ root: "MNQ", monthCode: "U", month: 9, year: 2024 });
  });

  it("keeps roots that contain digits", () => {
    expect(parseContractSymbol("6EH4").root).toBe("6E");
  });

  it("resolves one-digit years within 2020-2029 by default", () => {
    expect(parseContractSymbol("ESH0").year).toBe(2020);
    expect(parseContractSymbol("ESH9").year).toBe(2029);
  });

  it("resolves one-digit years to the nearest year around a reference year, preferring the past on a tie", () => {
    expect(resolveOneDigitYear(9, 2031)).toBe(2029);
    expect(resolveOneDigitYear(5, 2031)).toBe(2035);
    expect(resolveOneDigitYear(6, 2031)).toBe(2026); // 2026 and 2036 are both 5 years away
    expect(parseContractSymbol("NQZ9", 2019).year).toBe(2019);
    expect(parseContractSymbol("NQZ8", 2023).year).toBe(2018);
  });

  it("rejects text that is not a contract symbol with a bad_request error", () => {
    for (const bad of ["MNQ", "MNQA5", "MNQZ", "MNQ 13-25", "MNQZ125", ""]) {
      expect(() => parseContractSymbol(bad), bad).toThrow(AppError);
    }
  });
});

describe("formatting contract symbols", () => {
  it("writes the three styles", () => {
    const c = { root: "MNQ", month: 3, year: 2026 };
    expect(formatContractSymbol(c)).toBe("MNQH6");
    expect(formatContractSymbol(c, "two-digit")).toBe("MNQH26");
    expect(formatContractSymbol(c, "ninjatrader")).toBe("MNQ 03-26");
  });

  it("round-trips through the parser", () => {
    for (const style of ["one-digit", "two-digit", "ninjatrader"] as const) {
      for (let month = 1; month <= 12; month++) {
        const c = { root: "NQ", month, year: 2027 };
        expect(parseContractSymbol(formatContractSymbol(c, style))).toEqual({ ...c, monthCode: monthCode(month) });
      }
    }
  });

  it("maps month codes both ways", () => {
    expect(monthCode(1)).toBe("F");
    expect(monthFromCode("z")).toBe(12);
    expect(() => monthFromCode("A")).toThrow(RangeError);
    expect(() => monthCode(13)).toThrow(RangeError);
  });
});

describe("expiry", () => {
  it("finds the third Friday of a month", () => {
    expect(thirdFriday(2024, 9)).toEqual({ year: 2024, month: 9, day: 20 });
    expect(thirdFriday(2025, 12)).toEqual({ year: 2025, month: 12, day: 19 });
    expect(thirdFriday(2026, 5)).toEqual({ year: 2026, month: 5, day: 15 }); // May 1st is a Friday
  });

  it("puts the last trade at 09:30 New York time on the third Friday (ESU4, NQU4, ESZ5)", () => {
    expect(lastTradeNs("ES", 2024, 9)).toBe(ns("2024-09-20T13:30:00Z"));
    expect(lastTradeNs("NQ", 2024, 9)).toBe(ns("2024-09-20T13:30:00Z"));
    expect(lastTradeNs("ES", 2025, 12)).toBe(ns("2025-12-19T14:30:00Z"));
    expect(lastTradeNs("MNQ", 2026, 3)).toBe(ns("2026-03-20T13:30:00Z"));
  });

  it("refuses months the contract is not listed in", () => {
    expect(() => lastTradeNs("MNQ", 2025, 1)).toThrow(AppError);
    expect(() => lastTradeNs("XYZ", 2025, 3)).toThrow(AppError);
  });
});

describe("listing contracts", () => {
  it("lists the next quarterly contracts nearest expiry first", () => {
    const list = listContracts("MNQ", ns("2025-11-01T00:00:00Z"), 4);
    expect(list.map((c) => c.symbol)).toEqual(["MNQZ5", "MNQH6", "MNQM6", "MNQU6"]);
    expect(list[0]).toMatchObject({ root: "MNQ", monthCode: "Z", month: 12, year: 2025, lastTradeNs: ns("2025-12-19T14:30:00Z") });
  });

  it("treats a contract as expired from its last trade instant on", () => {
    expect(listContracts("ES", ns("2025-12-19T14:29:59.999Z"), 1)[0].symbol).toBe("ESZ5");
    expect(listContracts("ES", ns("2025-12-19T14:30:00Z"), 1)[0].symbol).toBe("ESH6");
  });

  it("crosses year boundaries", () => {
    expect(listContracts("ES", ns("2024-12-31T00:00:00Z"), 5).map((c) => c.symbol)).toEqual(["ESH5", "ESM5", "ESU5", "ESZ5", "ESH6"]);
    expect(listContracts("ES", ns("2024-12-31T00:00:00Z"), 0)).toEqual([]);
  });
});
