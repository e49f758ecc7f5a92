/**
 * Contract symbols and expiries for quarterly CME equity-index futures.
 *
 * Accepted spellings: `MNQZ5` (CME/Databento, one-digit year), `MNQZ25` (two-digit year) and
 * `MNQ 12-25` (NinjaTrader). One-digit years are ambiguous by design: they resolve to the year
 * with that last digit in the ten-year window [referenceYear - 5, referenceYear + 4], i.e. the
 * nearest one, preferring the past on a tie (this is a backtesting tool: old contracts are common).
 * With the default reference year 2025 the window is 2020-2029. Two-digit years mean 20yy.
 *
 * Expiry: the last trade is at 09:30 America/New_York on the third Friday of the contract month
 * (ESU4 2024-09-20T13:30:00Z, ESZ5 2025-12-19T14:30:00Z). Times are bigint ns since the epoch.
 */
import { AppError } from "../errors";
import { getContractSpec } from "./contract-spec";
import { dayNumberFromCivil, newYorkToUtcMs, weekdayOfDayNumber, civilFromDayNumber } from "./time-zone";

/** CME month codes, January to December. */
export const MONTH_CODES = "FGHJKMNQUVXZ";

export const DEFAULT_REFERENCE_YEAR = 2025;

export interface ContractId {
  root: string;
  /** CME month code, e.g. "Z". */
  monthCode: string;
  /** 1-12. */
  month: number;
  /** Full year, e.g. 2025. */
  year: number;
}

export interface ListedContract extends ContractId {
  /** Canonical one-digit-year symbol, e.g. "MNQZ5". */
  symbol: string;
  lastTradeNs: bigint;
}

export type SymbolStyle = "one-digit" | "two-digit" | "ninjatrader";

const CME_STYLE = /^([A-Z0-9]+?)([FGHJKMNQUVXZ])(\d{1,2})$/;
const NINJA_STYLE = /^([A-Z0-9]+) (\d{2})-(\d{2})$/;

/** Month code for month 1-12. */
export function monthCode(month: number): string {
  if (!Number.isInteger(month) || month < 1 || month > 12) throw new RangeError(`Month must be 1-12, got ${month}`);
  return MONTH_CODES[month - 1];
}

/** Month 1-12 for a month code; throws RangeError for anything else. */
export function monthFromCode(code: string): number {
  const index = code.length === 1 ? MONTH_CODES.indexOf(code.toUpperCase()) : -1;
  if (index < 0) throw new RangeError(`"${code}" is not a CME month code (${MONTH_CODES})`);
  return index + 1;
}

/** The year ending in `digit` nearest to `referenceYear` (window [ref - 5, ref + 4]). */
export function resolveOneDigitYear(digit: number, referenceYear = DEFAULT_REFERENCE_YEAR): number {
  const low = referenceYear - 5;
  return low + ((((digit - low) % 10) + 10) % 10);
}

/**
 * Parses `MNQZ5`, `MNQZ25` or `MNQ 12-25` (case and surrounding spaces ignored). The root is not
 * checked against the known specs, so the parser also serves vendor files of other products.
 */
export function parseContractSymbol(symbol: string, referenceYear = DEFAULT_REFERENCE_YEAR): ContractId {
  const text = symbol.trim().toUpperCase();
  const ninja = NINJA_STYLE.exec(text);
  if (ninja) {
    const month = Number(ninja[2]);
    if (month < 1 || month > 12) throw invalid(symbol);
    return { root: ninja[1], monthCode: monthCode(month), month, year: 2000 + Number(ninja[3]) };
  }
  const cme = CME_STYLE.exec(text);
  if (!cme) throw invalid(symbol);
  const digits = cme[3];
  const year = digits.length === 1 ? resolveOneDigitYear(Number(digits), referenceYear) : 2000 + Number(digits);
  return { root: cme[1], monthCode: cme[2], month: monthFromCode(cme[2]), year };
}

function invalid(symbol: string): AppError {
  return new AppError("bad_request", `"${symbol}" is not a contract symbol (expected e.g. MNQZ5, MNQZ25 or "MNQ 12-25")`);
}

/** Formats a contract as `MNQZ5` (default), `MNQZ25` or `MNQ 12-25`. */
export function formatContractSymbol(contract: { root: string; month: number; year: number }, style: SymbolStyle = "one-digit"): string {
  const { root, month, year } = contract;
  const yy = String(year % 100).padStart(2, "0");
  switch (style) {
    case "one-digit":
      return `${root}${monthCode(month)}${year % 10}`;
    case "two-digit":
      return `${root}${monthCode(month)}${yy}`;
    case "ninjatrader":
      return `${root} ${String(month).padStart(2, "0")}-${yy}`;
  }
}

/** Civil date of the third Friday of a month. */
export function thirdFriday(year: number, month: number): { year: number; month: number; day: number } {
  const first = dayNumberFromCivil(year, month, 1);
  const firstFriday = first + ((5 - weekdayOfDayNumber(first) + 7) % 7);
  return civilFromDayNumber(firstFriday + 14);
}

/** Last trade instant in ms since the epoch (see `lastTradeNs`). */
export function lastTradeMs(root: string, year: number, month: number): number {
  const spec = getContractSpec(root);
  if (!spec.contractMonths.includes(monthCode(month))) {
    throw new AppError("bad_request", `${spec.root} is not listed for month ${month} (contract months ${spec.contractMonths})`);
  }
  switch (spec.expiryRule) {
    case "third-friday-0930-et": {
      const d = thirdFriday(year, month);
      return newYorkToUtcMs(d.year, d.month, d.day, 9, 30);
    }
  }
}

/** Last trade instant of a contract: 09:30 ET on the third Friday of the month, ns since the epoch. */
export function lastTradeNs(root: string, year: number, month: number): bigint {
  return BigInt(lastTradeMs(root, year, month)) * 1_000_000n;
}

/**
 * The next `count` listed contracts of `root` that have not expired at `atNs` (a contract whose
 * last trade instant is at or before `atNs` is expired), nearest expiry first.
 */
export function listContracts(root: string, atNs: bigint, count: number): ListedContract[] {
  const spec = getContractSpec(root);
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const result: ListedContract[] = [];
  const atMs = Number(atNs / 1_000_000n);
  let year = new Date(atMs).getUTCFullYear();
  while (result.length < count) {
    for (const code of spec.contractMonths) {
      const month = monthFromCode(code);
      const expiry = lastTradeNs(spec.root, year, month);
      if (expiry > atNs && result.length < count) {
        result.push({ root: spec.root, monthCode: code, month, year, symbol: formatContractSymbol({ root: spec.root, month, year }), lastTradeNs: expiry });
      }
    }
    year++;
  }
  return result;
}
