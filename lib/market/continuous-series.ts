/**
 * Continuous price series for charts and indicators. Trading always happens in the real contract
 * (roll-schedule.ts); this module only stitches per-contract bars into one series.
 *
 * Stitching: a bar of contract C is kept iff C is the contract traded on the bar's session date
 * (contractAt). Output is ordered by tsNs. Prices are numbers in index points.
 *
 * Gap at a roll R (old -> new, R.sessionDate = first session in new): let P be the session date of
 * the old contract's last bar with a session date before R.sessionDate (normally the session just
 * before the roll) and T that bar's tsNs. oldClose = that bar's close; newClose = close of the new
 * contract's last bar with tsNs <= T and the same session date P (the same bar when both traded in
 * it). gap = newClose - oldClose, ratio = newClose / oldClose. Without both bars the gap cannot be
 * measured and an `unprocessable` AppError is thrown (only for adjusted series).
 *
 * Adjustments (k = index of the bar's segment, rolls numbered 1..m):
 * - none: raw prices;
 * - backward-difference (Panama): price + sum of the gaps of every roll AFTER the bar's segment;
 * - backward-ratio: price x product of the ratios of every roll after the bar's segment;
 * - forward: price - sum of the gaps of every roll at or before the bar's segment.
 * Backward adjustments never change the last contract; forward never changes the first.
 *
 * Tick grid: difference adjustments add multiples of the tick to on-grid prices, so they stay on
 * the grid; with a power-of-two tick (0.25 for the CME equity index contracts) the float sums are
 * exact. Ratio adjustments leave the grid (returns are preserved, price levels are not) and are
 * not rounded. Adjusted prices may become negative after many rolls (backward-difference): they
 * are meant for charts and indicators, never for fills or P&L.
 */
import { AppError } from "../errors";
import type { RollSchedule } from "./roll-schedule";

export type Adjustment = "none" | "backward-difference" | "backward-ratio" | "forward";

export interface ContractBar {
  readonly tsNs: bigint;
  /** Session date of the bar (YYYY-MM-DD), e.g. from session-calendar's sessionDateNs(tsNs). */
  readonly sessionDate: string;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
}

export interface ContinuousBar extends ContractBar {
  /** Real contract the raw prices come from. */
  readonly contract: string;
}

export interface RollGap {
  readonly sessionDate: string;
  readonly from: string;
  readonly to: string;
  /** Session date and bar on which the gap was measured. */
  readonly measuredSessionDate: string;
  readonly measuredTsNs: bigint;
  readonly oldClose: number;
  readonly newClose: number;
  /** newClose - oldClose. */
  readonly gap: number;
  /** newClose / oldClose. */
  readonly ratio: number;
}

export interface ContinuousSeries {
  readonly adjustment: Adjustment;
  readonly bars: readonly ContinuousBar[];
  /** One entry per roll of the schedule (empty for `none`). */
  readonly gaps: readonly RollGap[];
}

/** Bars per canonical contract symbol (as in the schedule), each list sorted by tsNs. */
export type BarsByContract = ReadonlyMap<string, readonly ContractBar[]> | Readonly<Record<string, readonly ContractBar[]>>;

function barsOf(input: BarsByContract, symbol: string): readonly ContractBar[] {
  const bars = input instanceof Map ? input.get(symbol) : (input as Readonly<Record<string, readonly ContractBar[]>>)[symbol];
  return bars ?? [];
}

/** Measures the price gap of every roll in the schedule (see the module comment). */
export function measureRollGaps(schedule: RollSchedule, input: BarsByContract): RollGap[] {
  return schedule.rolls.map((roll) => {
    const old = lastBefore(barsOf(input, roll.from), (b) => b.sessionDate < roll.sessionDate);
    if (!old) throw new AppError("unprocessable", `No ${roll.from} bar before the roll to ${roll.to} on ${roll.sessionDate}: cannot measure the roll gap`);
    const neu = lastBefore(barsOf(input, roll.to), (b) => b.tsNs <= old.tsNs);
    if (!neu || neu.sessionDate !== old.sessionDate) {
      throw new AppError(
        "unprocessable",
        `No ${roll.to} bar in session ${old.sessionDate} at or before the last ${roll.from} bar: cannot measure the roll gap for ${roll.sessionDate}`,
      );
    }
    if (!(old.close > 0) && !(old.close < 0)) throw new AppError("unprocessable", `${roll.from} closes at 0 before the roll on ${roll.sessionDate}: no ratio`);
    return {
      sessionDate: roll.sessionDate,
      from: roll.from,
      to: roll.to,
      measuredSessionDate: old.sessionDate,
      measuredTsNs: old.tsNs,
      oldClose: old.close,
      newClose: neu.close,
      gap: neu.close - old.close,
      ratio: neu.close / old.close,
    };
  });
}

/** Last bar (bars sorted by tsNs) satisfying a predicate that is true on a prefix. */
function lastBefore(bars: readonly ContractBar[], inPrefix: (bar: ContractBar) => boolean): ContractBar | undefined {
  let lo = 0;
  let hi = bars.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (inPrefix(bars[mid])) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? bars[lo - 1] : undefined;
}

/** Stitches per-contract bars into one continuous series following `schedule`. */
export function buildContinuousSeries(schedule: RollSchedule, input: BarsByContract, adjustment: Adjustment): ContinuousSeries {
  const segments = [schedule.initial, ...schedule.rolls.map((r) => r.to)];
  const raw: { bar: ContractBar; segment: number }[] = [];
  segments.forEach((symbol, segment) => {
    const bars = barsOf(input, symbol);
    for (let i = 0; i < bars.length; i++) {
      const bar = bars[i];
      if (i > 0 && bars[i - 1].tsNs > bar.tsNs) throw new AppError("bad_request", `${symbol} bars are not sorted by time`);
      if (bar.sessionDate < schedule.fromDate || bar.sessionDate > schedule.toDate) continue;
      if (segmentAt(schedule, bar.sessionDate) === segment) raw.push({ bar, segment });
    }
  });
  raw.sort((a, b) => (a.bar.tsNs < b.bar.tsNs ? -1 : a.bar.tsNs > b.bar.tsNs ? 1 : 0));

  const gaps = adjustment === "none" ? [] : measureRollGaps(schedule, input);
  const m = segments.length - 1; // number of rolls; gaps.length === m unless adjustment is "none"
  // offset[k] / factor[k]: what segment k's prices are shifted / scaled by.
  const offset = new Array<number>(m + 1).fill(0);
  const factor = new Array<number>(m + 1).fill(1);
  if (adjustment === "backward-difference" || adjustment === "backward-ratio") {
    for (let k = m - 1; k >= 0; k--) {
      offset[k] = offset[k + 1] + gaps[k].gap;
      factor[k] = factor[k + 1] * gaps[k].ratio;
    }
    if (adjustment === "backward-difference") factor.fill(1);
    else offset.fill(0);
  } else if (adjustment === "forward") {
    for (let k = 1; k <= m; k++) offset[k] = offset[k - 1] - gaps[k - 1].gap;
  }

  const bars = raw.map(({ bar, segment }): ContinuousBar => {
    const f = factor[segment];
    const o = offset[segment];
    const adjust = (p: number) => p * f + o;
    return { tsNs: bar.tsNs, sessionDate: bar.sessionDate, open: adjust(bar.open), high: adjust(bar.high), low: adjust(bar.low), close: adjust(bar.close), volume: bar.volume, contract: segments[segment] };
  });
  return { adjustment, bars, gaps };
}

/** Index of the schedule segment (0 = initial contract) traded on a session date. */
function segmentAt(schedule: RollSchedule, sessionDate: string): number {
  let k = 0;
  while (k < schedule.rolls.length && schedule.rolls[k].sessionDate <= sessionDate) k++;
  return k;
}
