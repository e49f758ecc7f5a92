/**
 * Timestamps of vendor text files to ns since the epoch (UTC): ISO-8601 with up to nine decimals,
 * epoch counts in s/ms/us/ns, and simple patterns such as `yyyy-MM-dd HH:mm:ss.SSS`. Wall-clock
 * readings without an offset are read in a given IANA time zone.
 *
 * Zone rules come from lib/market/time-zone.ts (Intl, cached per UTC day; any IANA zone whose
 * offset changes at most once per UTC day). A reading that falls in a spring-forward gap moves
 * forward by the gap; one in the fall-back overlap resolves to the earlier instant (Temporal's
 * "compatible" disambiguation). Pure apart from that cache.
 */
import { AppError } from "../../errors";
import { dayNumberFromCivil, fromWallMs, MS_PER_DAY, type TimeZoneName } from "../../market/time-zone";

const NS_PER_MS = 1_000_000n;

/** A validated IANA zone name ("UTC", "America/New_York"); throws a bad_request otherwise. */
export function checkTimeZone(zone: string): string {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw new AppError("bad_request", `Unknown time zone "${zone}" (use an IANA name such as UTC or America/New_York)`);
  }
}

/** Converts wall-clock readings of one zone to instants. */
export class WallClock {
  private readonly utc: boolean;
  private readonly zone: string;

  constructor(zone = "UTC") {
    this.zone = checkTimeZone(zone);
    this.utc = this.zone === "UTC" || this.zone === "Etc/UTC" || this.zone === "GMT";
  }

  /**
   * ns since the epoch of a wall-clock reading; `subMsNs` (0..999999) is added exactly. NaN
   * fields or an impossible date give null.
   */
  toNs(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond: number, subMsNs: number): bigint | null {
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return null;
    const dayNumber = dayNumberFromCivil(year, month, day);
    if (!Number.isFinite(dayNumber)) return null;
    const check = new Date(dayNumber * MS_PER_DAY);
    if (check.getUTCDate() !== day) return null; // e.g. February 30
    const wallMs = dayNumber * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millisecond;
    const utcMs = this.utc ? wallMs : fromWallMs(this.zone as TimeZoneName, wallMs);
    return BigInt(utcMs) * NS_PER_MS + BigInt(subMsNs);
  }
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/** Fraction digits ("0061502", up to 9) -> ns. */
export function fractionToNs(digits: string): number {
  return digits ? Number(digits.padEnd(9, "0")) : 0;
}

/**
 * ISO-8601 ("2020-12-28T00:00:00.006150193Z", "2024-07-01 18:58:00.5-05:00") -> ns; without an
 * offset the reading is in `clock`'s zone. null when it is not such a timestamp.
 */
export function parseIsoNs(text: string, clock: WallClock): bigint | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const fracNs = fractionToNs(m[7] ?? "");
  const ms = Math.floor(fracNs / 1_000_000);
  const sub = fracNs - ms * 1_000_000;
  const fields = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])] as const;
  const zone = m[8];
  if (!zone) return clock.toNs(...fields, ms, sub);
  const base = UTC_CLOCK.toNs(...fields, ms, sub);
  if (base === null || zone === "Z") return base;
  const sign = zone[0] === "-" ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0");
  return base - BigInt(sign * offsetMin * 60_000) * NS_PER_MS;
}

export const UTC_CLOCK = new WallClock("UTC");

export type EpochUnit = "s" | "ms" | "us" | "ns";
const EPOCH_FACTOR: Record<EpochUnit, bigint> = { s: 1_000_000_000n, ms: 1_000_000n, us: 1_000n, ns: 1n };

/** An epoch count ("1609160400", fractional allowed down to ns: "1609160400.5") -> ns, or null. */
export function parseEpochNs(text: string, unit: EpochUnit): bigint | null {
  const m = /^(\d{1,20})(?:\.(\d{1,9}))?$/.exec(text);
  if (!m) return null;
  const factor = EPOCH_FACTOR[unit];
  let ns = BigInt(m[1]) * factor;
  if (m[2]) {
    const scaled = BigInt(m[2].padEnd(9, "0")) * factor; // fraction * factor in units of 1e-9
    if (scaled % 1_000_000_000n !== 0n) return null; // finer than a nanosecond
    ns += scaled / 1_000_000_000n;
  }
  return ns;
}

/**
 * A compiled pattern of `yyyy MM dd HH mm ss` and 1-9 `S` (fraction of a second), any other
 * character literal: "yyyy-MM-dd HH:mm:ss.SSS", "yyyyMMdd HHmmss fffffff" (f = S).
 */
export class TimePattern {
  private readonly regex: RegExp;
  private readonly order: string[] = [];

  constructor(readonly pattern: string) {
    let source = "^";
    const tokens = /yyyy|MM|dd|HH|mm|ss|S{1,9}|f{1,9}/g;
    let last = 0;
    for (const m of pattern.matchAll(tokens)) {
      source += escape(pattern.slice(last, m.index));
      const t = m[0];
      if (t[0] === "S" || t[0] === "f") {
        source += `(\\d{${t.length}})`;
        this.order.push("S");
      } else {
        source += t === "yyyy" ? "(\\d{4})" : "(\\d{2})";
        this.order.push(t);
      }
      last = m.index + t.length;
    }
    source += `${escape(pattern.slice(last))}$`;
    for (const needed of ["yyyy", "MM", "dd"]) {
      if (!this.order.includes(needed)) throw new AppError("bad_request", `Time pattern "${pattern}" needs yyyy, MM and dd`);
    }
    this.regex = new RegExp(source);
  }

  parse(text: string, clock: WallClock): bigint | null {
    const m = this.regex.exec(text);
    if (!m) return null;
    const f: Record<string, number> = { yyyy: 0, MM: 1, dd: 1, HH: 0, mm: 0, ss: 0 };
    let fracNs = 0;
    for (let i = 0; i < this.order.length; i++) {
      if (this.order[i] === "S") fracNs = fractionToNs(m[i + 1]);
      else f[this.order[i]] = Number(m[i + 1]);
    }
    const ms = Math.floor(fracNs / 1_000_000);
    return clock.toNs(f.yyyy, f.MM, f.dd, f.HH, f.mm, f.ss, ms, fracNs - ms * 1_000_000);
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
