import { describe, expect, it } from "vitest";
import {
  MISSING,
  formatCtIso,
  formatCtMs,
  formatCtNs,
  formatCtShortMs,
  formatDuration,
  formatInt,
  formatPercent,
  formatPrice,
  formatRatio,
  formatSignedUsd,
  formatUsd,
  formatInstantIso,
  formatInstantMs,
  formatInstantNs,
  ianaZone,
  isDisplayZone,
  nsToMs,
  pnlClass,
  zoneLabel,
  zoneSuffix,
} from "./format";

describe("formatUsd", () => {
  it("shows two decimals with thousands separators", () => {
    expect(formatUsd(100000)).toBe("$100,000.00");
    expect(formatUsd(1234.5)).toBe("$1,234.50");
  });

  it("puts the minus sign before the currency symbol", () => {
    expect(formatUsd(-12)).toBe("-$12.00");
  });

  it("rounds to cents and never shows a negative zero", () => {
    expect(formatUsd(0.005)).toBe("$0.01");
    expect(formatUsd(-0.001)).toBe("$0.00");
  });

  it("renders missing values as a dash", () => {
    expect(formatUsd(null)).toBe(MISSING);
    expect(formatUsd(undefined)).toBe(MISSING);
    expect(formatUsd(Number.NaN)).toBe(MISSING);
  });
});

describe("formatSignedUsd", () => {
  it("always shows the sign of a non-zero amount", () => {
    expect(formatSignedUsd(1234.5)).toBe("+$1,234.50");
    expect(formatSignedUsd(-0.5)).toBe("-$0.50");
  });

  it("shows zero without a sign", () => {
    expect(formatSignedUsd(0)).toBe("$0.00");
    expect(formatSignedUsd(-0.004)).toBe("$0.00");
  });
});

describe("formatInt and formatPrice", () => {
  it("groups thousands", () => {
    expect(formatInt(1234567)).toBe("1,234,567");
    expect(formatInt(0)).toBe("0");
    expect(formatInt(12.6)).toBe("13");
  });

  it("shows prices with exactly two decimals", () => {
    expect(formatPrice(21345.25)).toBe("21,345.25");
    expect(formatPrice(21345)).toBe("21,345.00");
  });
});

describe("formatPercent and formatRatio", () => {
  it("rounds progress down so an unfinished run never reads 100%", () => {
    expect(formatPercent(0.999)).toBe("99%");
    expect(formatPercent(1)).toBe("100%");
    expect(formatPercent(0.29)).toBe("29%");
    expect(formatPercent(0.1234, 1)).toBe("12.3%");
  });

  it("clamps to 0..100%", () => {
    expect(formatPercent(-0.2)).toBe("0%");
    expect(formatPercent(1.5)).toBe("100%");
  });

  it("formats a ratio with one decimal and a dash for an empty denominator", () => {
    expect(formatRatio(7, 12)).toBe("58.3%");
    expect(formatRatio(0, 0)).toBe(MISSING);
  });
});

describe("nsToMs", () => {
  it("keeps precision beyond 2^53 and floors to whole milliseconds", () => {
    expect(nsToMs("1741188662123456789")).toBe(1741188662123);
    expect(nsToMs("0")).toBe(0);
  });

  it("floors instants before the epoch", () => {
    expect(nsToMs("-1")).toBe(-1);
  });
});

describe("exchange time (America/Chicago)", () => {
  it("formats winter instants in CST (UTC-6)", () => {
    expect(formatCtMs(Date.UTC(2025, 2, 5, 15, 31, 2))).toBe("2025-03-05 09:31:02 CT");
  });

  it("formats summer instants in CDT (UTC-5)", () => {
    expect(formatCtMs(Date.UTC(2025, 6, 1, 14, 30, 0))).toBe("2025-07-01 09:30:00 CT");
  });

  it("follows the spring-forward change (02:00 CST becomes 03:00 CDT)", () => {
    expect(formatCtMs(Date.UTC(2025, 2, 9, 7, 59, 59))).toBe("2025-03-09 01:59:59 CT");
    expect(formatCtMs(Date.UTC(2025, 2, 9, 8, 0, 0))).toBe("2025-03-09 03:00:00 CT");
  });

  it("shows midnight as 00, not 24", () => {
    expect(formatCtMs(Date.UTC(2025, 0, 2, 6, 0, 0))).toBe("2025-01-02 00:00:00 CT");
  });

  it("converts nanosecond strings and ISO instants, optionally without the zone suffix", () => {
    expect(formatCtNs("1741188662123456789")).toBe("2025-03-05 09:31:02 CT");
    expect(formatCtNs("1741188662123456789", { zone: false })).toBe("2025-03-05 09:31:02");
    expect(formatCtIso("2025-03-05T15:31:02.000Z")).toBe("2025-03-05 09:31:02 CT");
  });

  it("has a compact form for chart axes", () => {
    expect(formatCtShortMs(Date.UTC(2025, 2, 5, 15, 31, 2))).toBe("03-05 09:31");
  });

  it("renders missing or invalid times as a dash", () => {
    expect(formatCtNs(null)).toBe(MISSING);
    expect(formatCtIso("not a date")).toBe(MISSING);
    expect(formatCtMs(null)).toBe(MISSING);
  });
});

describe("formatDuration", () => {
  it("uses the two largest units", () => {
    expect(formatDuration(45_000)).toBe("45s");
    expect(formatDuration(185_000)).toBe("3m 05s");
    expect(formatDuration(2 * 3_600_000 + 4 * 60_000 + 59_000)).toBe("2h 04m");
    expect(formatDuration(null)).toBe(MISSING);
  });
});

describe("pnlClass", () => {
  it("colours gains green, losses red and zero neutral", () => {
    expect(pnlClass(1)).toBe("text-up");
    expect(pnlClass(-1)).toBe("text-down");
    expect(pnlClass(0)).toBe("text-zinc-300");
  });
});

describe("display time zones", () => {
  // US DST 2025 starts Sunday 2025-03-09 02:00 CT (08:00 UTC); the EU's on 2025-03-30 01:00 UTC.
  const beforeUs = Date.UTC(2025, 2, 9, 7, 59, 59);
  const afterUs = Date.UTC(2025, 2, 9, 8, 0, 0);

  it("shows exchange time across the spring-forward gap", () => {
    expect(formatInstantMs(beforeUs, "exchange")).toBe("2025-03-09 01:59:59 CT");
    expect(formatInstantMs(afterUs, "exchange")).toBe("2025-03-09 03:00:00 CT");
  });

  it("shows the same instants in UTC unchanged by any DST", () => {
    expect(formatInstantMs(beforeUs, "utc")).toBe("2025-03-09 07:59:59 UTC");
    expect(formatInstantMs(afterUs, "utc", { zone: false })).toBe("2025-03-09 08:00:00");
  });

  it("shows a local zone with its own DST rules", () => {
    const berlin = { localZone: "Europe/Berlin" };
    expect(formatInstantMs(Date.UTC(2025, 2, 30, 0, 59, 59), "local", berlin)).toBe("2025-03-30 01:59:59 local");
    expect(formatInstantMs(Date.UTC(2025, 2, 30, 1, 0, 0), "local", berlin)).toBe("2025-03-30 03:00:00 local");
    // Fall back in Chicago: 01:30 CDT and 01:30 CST are an hour apart in UTC.
    expect(formatInstantMs(Date.UTC(2025, 10, 2, 6, 30), "exchange", { zone: false })).toBe("2025-11-02 01:30:00");
    expect(formatInstantMs(Date.UTC(2025, 10, 2, 7, 30), "exchange", { zone: false })).toBe("2025-11-02 01:30:00");
  });

  it("formats ns strings, ISO instants and short axis labels", () => {
    expect(formatInstantNs("1741190400123456789", "utc")).toBe("2025-03-05 16:00:00 UTC");
    expect(formatInstantNs("1741190400123456789", "exchange", { short: true })).toBe("03-05 10:00");
    expect(formatInstantIso("2025-03-05T16:00:00Z", "exchange")).toBe("2025-03-05 10:00:00 CT");
    expect(formatInstantMs(null, "utc")).toBe(MISSING);
    expect(formatInstantIso("nonsense", "utc")).toBe(MISSING);
  });

  it("names the zones", () => {
    expect(ianaZone("exchange")).toBe("America/Chicago");
    expect(ianaZone("utc")).toBe("UTC");
    expect(ianaZone("local", "Asia/Tokyo")).toBe("Asia/Tokyo");
    expect(zoneLabel("local", "Asia/Tokyo")).toBe("Local (Asia/Tokyo)");
    expect(zoneSuffix("exchange")).toBe("CT");
    expect(isDisplayZone("utc")).toBe(true);
    expect(isDisplayZone("UTC")).toBe(false);
  });
});
