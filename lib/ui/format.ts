/**
 * Display formatting for the browser. Times are shown in exchange time (America/Chicago, "CT"),
 * the clock CME sessions are defined in; numbers use en-US grouping. Missing values render as an
 * em dash so tables keep their shape.
 */

export const EXCHANGE_TIME_ZONE = "America/Chicago";
export const MISSING = "—";

const usd = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const price = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

// hourCycle h23: some engines print midnight as "24" with hour12: false.
const ctParts = new Intl.DateTimeFormat("en-US", {
  timeZone: EXCHANGE_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

const isMissing = (value: number | null | undefined): value is null | undefined =>
  value === null || value === undefined || !Number.isFinite(value);

/** "$1,234.50", "-$12.00"; a minus sign only. */
export function formatUsd(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const rounded = Math.round(value * 100) / 100;
  return `${rounded < 0 ? "-" : ""}$${usd.format(Math.abs(rounded))}`;
}

/** "+$1,234.50", "-$12.00", "$0.00": for P&L, where the sign is the point. */
export function formatSignedUsd(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return "$0.00";
  return `${rounded > 0 ? "+" : "-"}$${usd.format(Math.abs(rounded))}`;
}

/** "1,234,567" (rounded to the nearest integer). */
export function formatInt(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  return integer.format(Math.round(value));
}

/** "21,345.25": prices always with two decimals. */
export function formatPrice(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  return price.format(value);
}

/**
 * A fraction 0..1 as a whole percent, rounded down so an unfinished run never reads "100%".
 * `digits` > 0 keeps decimals (also rounded down).
 */
export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (isMissing(fraction)) return MISSING;
  const scale = 10 ** digits;
  const pct = Math.floor(Math.min(Math.max(fraction, 0), 1) * 100 * scale + 1e-9) / scale;
  return `${pct.toFixed(digits)}%`;
}

/** Ratio as a percent with one decimal, e.g. win rate 7/12 -> "58.3%"; null when den is 0. */
export function formatRatio(numerator: number, denominator: number): string {
  if (!denominator) return MISSING;
  return `${((numerator / denominator) * 100).toFixed(1)}%`;
}

/** Nanoseconds since the epoch (decimal string, beyond 2^53) -> whole milliseconds, floored. */
export function nsToMs(ns: string): number {
  const value = BigInt(ns);
  const ms = value / 1_000_000n;
  // BigInt division truncates toward zero; floor for instants before the epoch.
  return Number(value < 0n && value % 1_000_000n !== 0n ? ms - 1n : ms);
}

/** An instant in ms -> "2025-03-05 09:31:02 CT" (exchange wall-clock time). */
export function formatCtMs(ms: number | null | undefined, options: { zone?: boolean } = {}): string {
  if (isMissing(ms)) return MISSING;
  const parts: Record<string, string> = {};
  for (const part of ctParts.formatToParts(new Date(ms))) parts[part.type] = part.value;
  const text = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return options.zone === false ? text : `${text} CT`;
}

/** Compact axis label in exchange time: "03-05 09:31". */
export function formatCtShortMs(ms: number | null | undefined): string {
  if (isMissing(ms)) return MISSING;
  const full = formatCtMs(ms, { zone: false });
  return full.slice(5, 16);
}

/** Nanosecond timestamp string -> "2025-03-05 09:31:02 CT". */
export function formatCtNs(ns: string | null | undefined, options: { zone?: boolean } = {}): string {
  if (ns === null || ns === undefined || ns === "") return MISSING;
  return formatCtMs(nsToMs(ns), options);
}

/** ISO-8601 instant -> "2025-03-05 09:31:02 CT". */
export function formatCtIso(iso: string | null | undefined, options: { zone?: boolean } = {}): string {
  if (!iso) return MISSING;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? MISSING : formatCtMs(ms, options);
}

// ---------------------------------------------------------------------------------------------
// Display time zones: exchange time (America/Chicago, the default: sessions are defined in it),
// UTC, or the browser's own zone. Every time on the run page goes through these helpers.

export const DISPLAY_ZONES = ["exchange", "utc", "local"] as const;
export type DisplayZone = (typeof DISPLAY_ZONES)[number];

export const isDisplayZone = (value: unknown): value is DisplayZone => typeof value === "string" && (DISPLAY_ZONES as readonly string[]).includes(value);

/** The IANA zone behind a display zone; `local` is the browser's zone (UTC when it has none). */
export function ianaZone(zone: DisplayZone, localZone?: string): string {
  if (zone === "exchange") return EXCHANGE_TIME_ZONE;
  if (zone === "utc") return "UTC";
  return localZone || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** Short suffix shown after a time: "CT", "UTC", or "local". */
export function zoneSuffix(zone: DisplayZone): string {
  return zone === "exchange" ? "CT" : zone === "utc" ? "UTC" : "local";
}

/** Human label of a display zone for menus and captions. */
export function zoneLabel(zone: DisplayZone, localZone?: string): string {
  if (zone === "exchange") return "Exchange (CT)";
  if (zone === "utc") return "UTC";
  return `Local (${ianaZone("local", localZone)})`;
}

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(iana: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(iana);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: iana, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    zoneFormatters.set(iana, f);
  }
  return f;
}

/**
 * An instant (ms) as wall-clock time in a display zone: "2025-03-05 09:31:02 CT". Seconds are
 * floored (Intl truncates); `zone: false` leaves the suffix out; `short` gives "03-05 09:31" for
 * axes. DST is the IANA database's (Intl), so 2025-03-09 07:59:59Z is 01:59:59 CT and 08:00:00Z
 * is 03:00:00 CT.
 */
export function formatInstantMs(ms: number | null | undefined, zone: DisplayZone, options: { zone?: boolean; short?: boolean; localZone?: string } = {}): string {
  if (isMissing(ms)) return MISSING;
  const parts: Record<string, string> = {};
  for (const part of partsFormatter(ianaZone(zone, options.localZone)).formatToParts(new Date(ms))) parts[part.type] = part.value;
  if (options.short) return `${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  const text = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second}`;
  return options.zone === false ? text : `${text} ${zoneSuffix(zone)}`;
}

/** Nanosecond timestamp string in a display zone (see formatInstantMs). */
export function formatInstantNs(ns: string | null | undefined, zone: DisplayZone, options: { zone?: boolean; short?: boolean; localZone?: string } = {}): string {
  if (ns === null || ns === undefined || ns === "") return MISSING;
  return formatInstantMs(nsToMs(ns), zone, options);
}

/** ISO-8601 instant in a display zone. */
export function formatInstantIso(iso: string | null | undefined, zone: DisplayZone, options: { zone?: boolean; localZone?: string } = {}): string {
  if (!iso) return MISSING;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? MISSING : formatInstantMs(ms, zone, options);
}

const compactNumber = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

/** Axis label for money: "$1.2K", "-$350", "$0". */
export function formatCompactUsd(value: number | null | undefined): string {
  if (isMissing(value)) return MISSING;
  return `${value < 0 ? "-" : ""}$${compactNumber.format(Math.abs(value))}`;
}

/** A duration as "45s", "3m 05s", "2h 04m". */
export function formatDuration(ms: number | null | undefined): string {
  if (isMissing(ms)) return MISSING;
  const totalSec = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  if (h > 0) return `${h}h ${String(m).padStart(2, "0")}m`;
  if (m > 0) return `${m}m ${String(s).padStart(2, "0")}s`;
  return `${s}s`;
}

/** Text colour class for a P&L value: green above zero, red below, neutral at zero. */
export function pnlClass(value: number | null | undefined): string {
  if (isMissing(value) || value === 0) return "text-zinc-300";
  return value > 0 ? "text-up" : "text-down";
}
