/**
 * Roll schedules: which real quarterly contract is traded on each session date of a range.
 *
 * Conventions (one set for every rule, so schedules from different rules compare cleanly):
 * - Everything is keyed by SESSION DATE (lib/market/session-calendar.ts). A roll's `sessionDate`
 *   is the first session traded in the new contract; that session opens at 17:00 CT on the
 *   calendar day before its date.
 * - A contract's expiry session is the session containing its last trade instant (09:30 ET on the
 *   third Friday, contract-symbol.ts). No rule trades a contract ON its expiry session: the roll
 *   happens at the latest on that session ("forced roll at expiry").
 * - `calendar` with N days: roll date = expiry session date minus N CALENDAR days (date
 *   arithmetic, not sessions); the roll takes effect at the first session whose date is on or after
 *   that calendar date. CME's default N = 8 gives the Thursday of the week before expiry
 *   (ESU4: 2024-09-20 - 8 = 2024-09-12).
 * - `volume` / `open-interest`: the statistic of session D is only known when D closes, so a
 *   crossover observed on D (next contract strictly above the front) makes D's NEXT session the
 *   roll session - no look-ahead. Missing rows count as 0. Never rolls back; forced at expiry.
 * - `manual`: validated user list (chronological, consecutive listed contracts, session dates,
 *   no contract traded on or after its expiry session).
 * - Symbols are canonical one-digit-year (`ESZ4`); manual input may use any spelling that
 *   parseContractSymbol accepts (one-digit years resolve around the roll's year).
 * - A schedule covers [fromDate, toDate]: `initial` is the contract traded on the first session of
 *   the range and `rolls` holds the rolls with a session date after that first session, up to
 *   toDate. The crossover rules pick the initial contract from the nearest one not at expiry and
 *   the data of the session just before the range (one step only: a crossover that happened
 *   earlier and then reversed is not replayed - start the range before the roll window).
 */
import { AppError } from "../errors";
import { getContractSpec } from "./contract-spec";
import { formatContractSymbol, lastTradeNs, listContracts, parseContractSymbol, type ListedContract } from "./contract-symbol";
import { sessionDateNs, sessionFor, sessionsBetween } from "./session-calendar";
import { formatDayNumber, parseIsoDate } from "./time-zone";

/** CME's convention: roll 8 calendar days before the last trading day (docs/DOMAIN.md section 3). */
export const DEFAULT_DAYS_BEFORE_EXPIRY = 8;
const MAX_DAYS_BEFORE_EXPIRY = 60;

export interface Roll {
  /** First session (YYYY-MM-DD) traded in `to`. */
  readonly sessionDate: string;
  /** Contract traded until the session before `sessionDate`, e.g. "ESU4". */
  readonly from: string;
  readonly to: string;
}

export interface RollSchedule {
  readonly root: string;
  /** Inclusive session-date range the schedule answers for. */
  readonly fromDate: string;
  readonly toDate: string;
  /** Contract traded on the first session of the range. */
  readonly initial: string;
  /** Ascending by session date, each after the range's first session and on or before toDate. */
  readonly rolls: readonly Roll[];
}

/** One row of daily statistics for one contract (e.g. from Databento statistics or 1d bars). */
export interface ContractDayStats {
  readonly sessionDate: string;
  /** Contract symbol in any spelling parseContractSymbol accepts. */
  readonly symbol: string;
  readonly volume: number;
  /** Open interest as reported for that session; absent when the source has none. */
  readonly openInterest?: number | null;
}

export type RollRule =
  | { readonly kind: "calendar"; readonly daysBeforeExpiry?: number }
  | { readonly kind: "volume"; readonly stats: readonly ContractDayStats[] }
  | { readonly kind: "open-interest"; readonly stats: readonly ContractDayStats[] }
  | { readonly kind: "manual"; readonly rolls: readonly Roll[]; readonly initial?: string };

// ---------------------------------------------------------------------------------------------
// Helpers.

const addDays = (date: string, days: number): string => formatDayNumber(parseIsoDate(date) + days);

/** Session date containing the contract's last trade. */
export function expirySessionDate(contract: ListedContract): string {
  return sessionDateNs(contract.lastTradeNs);
}

function firstSessionOnOrAfter(date: string): string {
  const sessions = sessionsBetween(date, addDays(date, 14));
  if (sessions.length === 0) throw new AppError("unprocessable", `No session within two weeks after ${date}`);
  return sessions[0].sessionDate;
}

function nextContract(contract: ListedContract): ListedContract {
  return listContracts(contract.root, contract.lastTradeNs, 1)[0];
}

/** Calendar-rule roll session out of `contract` (first session in the next one). */
function calendarRollSession(contract: ListedContract, days: number): string {
  return firstSessionOnOrAfter(addDays(expirySessionDate(contract), -days));
}

/** Listed contract for a symbol of `root`; one-digit years resolve around `referenceYear`. */
function resolveContract(root: string, symbol: string, referenceYear: number): ListedContract {
  const id = parseContractSymbol(symbol, referenceYear);
  if (id.root !== root) throw new AppError("bad_request", `Contract "${symbol}" is not a ${root} contract`);
  return { ...id, symbol: formatContractSymbol(id), lastTradeNs: lastTradeNs(root, id.year, id.month) };
}

function checkRange(fromDate: string, toDate: string): string[] {
  parseIsoDate(fromDate);
  parseIsoDate(toDate);
  if (fromDate > toDate) throw new AppError("bad_request", `Roll schedule range is empty: ${fromDate} is after ${toDate}`);
  const sessions = sessionsBetween(fromDate, toDate).map((s) => s.sessionDate);
  if (sessions.length === 0) throw new AppError("bad_request", `No trading session between ${fromDate} and ${toDate}`);
  return sessions;
}

/** Nearest contract that may still be traded on `sessionDate` (its expiry session is later). */
function nearestTradable(root: string, sessionDate: string): ListedContract {
  const session = sessionFor(sessionDate)!;
  let contract = listContracts(root, session.openNs, 1)[0];
  while (expirySessionDate(contract) <= sessionDate) contract = nextContract(contract);
  return contract;
}

// ---------------------------------------------------------------------------------------------
// Rules.

/** Builds the roll schedule of `root` over the session dates [fromDate, toDate] with `rule`. */
export function buildRollSchedule(root: string, fromDate: string, toDate: string, rule: RollRule): RollSchedule {
  const spec = getContractSpec(root);
  const sessions = checkRange(fromDate, toDate);
  switch (rule.kind) {
    case "calendar":
      return calendarSchedule(spec.root, fromDate, toDate, sessions, rule.daysBeforeExpiry ?? DEFAULT_DAYS_BEFORE_EXPIRY);
    case "volume":
    case "open-interest":
      return crossoverSchedule(spec.root, fromDate, toDate, sessions, rule.kind, rule.stats);
    case "manual":
      return manualSchedule(spec.root, fromDate, toDate, sessions, rule.rolls, rule.initial);
  }
}

function calendarSchedule(root: string, fromDate: string, toDate: string, sessions: string[], days: number): RollSchedule {
  if (!Number.isInteger(days) || days < 0 || days > MAX_DAYS_BEFORE_EXPIRY) {
    throw new AppError("bad_request", `daysBeforeExpiry must be an integer in 0-${MAX_DAYS_BEFORE_EXPIRY}, got ${days}`);
  }
  const first = sessions[0];
  let front = nearestTradable(root, first);
  // A contract closer to expiry than N days at the first session has already been rolled out of.
  while (calendarRollSession(front, days) <= first) front = nextContract(front);
  const initial = front.symbol;
  const rolls: Roll[] = [];
  for (let at = calendarRollSession(front, days); at <= toDate; at = calendarRollSession(front, days)) {
    const to = nextContract(front);
    rolls.push({ sessionDate: at, from: front.symbol, to: to.symbol });
    front = to;
  }
  return { root, fromDate, toDate, initial, rolls };
}

function crossoverSchedule(
  root: string,
  fromDate: string,
  toDate: string,
  sessions: string[],
  kind: "volume" | "open-interest",
  stats: readonly ContractDayStats[],
): RollSchedule {
  const values = indexStats(root, stats, kind);
  const valueOf = (contract: ListedContract, sessionDate: string) => values.get(`${contract.symbol}|${sessionDate}`) ?? 0;
  let front = nearestTradable(root, sessions[0]);
  // The first session's contract follows the data of the session before the range, when given.
  const before = sessionsBetween(addDays(sessions[0], -10), addDays(sessions[0], -1)).at(-1)?.sessionDate;
  if (before !== undefined) {
    const next = nextContract(front);
    if (valueOf(next, before) > valueOf(front, before)) front = next;
  }
  const initial = front.symbol;
  const rolls: Roll[] = [];
  for (let i = 1; i < sessions.length; i++) {
    const today = sessions[i];
    const observed = sessions[i - 1];
    const next = nextContract(front);
    const forced = today >= expirySessionDate(front);
    if (forced || valueOf(next, observed) > valueOf(front, observed)) {
      rolls.push({ sessionDate: today, from: front.symbol, to: next.symbol });
      front = next;
    }
  }
  return { root, fromDate, toDate, initial, rolls };
}

/** "SYMBOL|sessionDate" -> statistic; validates the rows and, for open interest, its presence. */
function indexStats(root: string, stats: readonly ContractDayStats[], kind: "volume" | "open-interest"): Map<string, number> {
  const out = new Map<string, number>();
  if (kind === "open-interest" && !stats.some((row) => row.openInterest != null)) {
    throw new AppError("unprocessable", `An open-interest roll needs open interest, and the ${root} data has none: use the volume or calendar rule`);
  }
  for (const row of stats) {
    const year = Number(row.sessionDate.slice(0, 4));
    parseIsoDate(row.sessionDate);
    const contract = resolveContract(root, row.symbol, year);
    const value = kind === "volume" ? row.volume : row.openInterest;
    if (value == null) {
      throw new AppError("unprocessable", `Open interest is missing for ${contract.symbol} on ${row.sessionDate}`);
    }
    if (!Number.isFinite(value) || value < 0) throw new AppError("bad_request", `Invalid ${kind} ${value} for ${contract.symbol} on ${row.sessionDate}`);
    const key = `${contract.symbol}|${row.sessionDate}`;
    if (out.has(key)) throw new AppError("bad_request", `Duplicate ${kind} row for ${contract.symbol} on ${row.sessionDate}`);
    out.set(key, value);
  }
  return out;
}

function manualSchedule(
  root: string,
  fromDate: string,
  toDate: string,
  sessions: string[],
  input: readonly Roll[],
  initialSymbol: string | undefined,
): RollSchedule {
  const first = sessions[0];
  const firstYear = Number(first.slice(0, 4));
  if (input.length === 0 && initialSymbol === undefined) {
    throw new AppError("bad_request", "A manual roll schedule needs at least one roll or an initial contract");
  }
  let front = resolveContract(root, initialSymbol ?? input[0].from, firstYear);
  if (expirySessionDate(front) <= first) {
    throw new AppError("bad_request", `${front.symbol} expires on ${expirySessionDate(front)} and cannot be traded on ${first}`);
  }
  const initial = front.symbol;
  const rolls: Roll[] = [];
  let previousDate = first;
  input.forEach((roll, i) => {
    const where = `Manual roll ${i + 1} (${roll.sessionDate} ${roll.from} -> ${roll.to})`;
    parseIsoDate(roll.sessionDate);
    const year = Number(roll.sessionDate.slice(0, 4));
    const from = resolveContract(root, roll.from, year);
    const to = resolveContract(root, roll.to, year);
    if (roll.sessionDate <= previousDate) {
      throw new AppError("bad_request", `${where}: dates must be after ${previousDate} (chronological, after the range's first session)`);
    }
    if (roll.sessionDate > toDate) throw new AppError("bad_request", `${where}: after the end of the range ${toDate}`);
    if (sessionFor(roll.sessionDate) === null) throw new AppError("bad_request", `${where}: ${roll.sessionDate} is not a trading session`);
    if (from.symbol !== front.symbol) throw new AppError("bad_request", `${where}: rolls out of ${from.symbol} but ${front.symbol} is the contract traded then`);
    if (to.symbol !== nextContract(from).symbol) {
      throw new AppError("bad_request", `${where}: ${to.symbol} is not the contract after ${from.symbol} (${nextContract(from).symbol})`);
    }
    if (roll.sessionDate > expirySessionDate(from)) {
      throw new AppError("bad_request", `${where}: ${from.symbol} expires on ${expirySessionDate(from)}; roll on or before that session`);
    }
    rolls.push({ sessionDate: roll.sessionDate, from: from.symbol, to: to.symbol });
    previousDate = roll.sessionDate;
    front = to;
  });
  // The last contract must not be traded through its own expiry inside the range.
  const lastSession = sessions[sessions.length - 1];
  if (expirySessionDate(front) <= lastSession) {
    throw new AppError("bad_request", `${front.symbol} expires on ${expirySessionDate(front)} but the schedule has no roll out of it before ${toDate}`);
  }
  return { root, fromDate, toDate, initial, rolls };
}

/**
 * The real contract traded on `sessionDate` (a session date within the schedule's range; a roll's
 * own session date already belongs to its `to` contract).
 */
export function contractAt(schedule: RollSchedule, sessionDate: string): string {
  parseIsoDate(sessionDate);
  if (sessionDate < schedule.fromDate || sessionDate > schedule.toDate) {
    throw new AppError("bad_request", `${sessionDate} is outside the roll schedule's range ${schedule.fromDate} to ${schedule.toDate}`);
  }
  let contract = schedule.initial;
  for (const roll of schedule.rolls) {
    if (roll.sessionDate > sessionDate) break;
    contract = roll.to;
  }
  return contract;
}
