/**
 * A money figure in every unit a trader reads: exact cents, USD, and ticks and index points PER
 * CONTRACT.
 *
 * A figure is either a sum or a mean over a set of round trips. Its per-contract units are the same
 * sum or mean of each trip's per-contract value:
 *   ticks_i  = cents_i / (qty_i * tickValueCents)
 *   points_i = cents_i / (qty_i * multiplier * 100)
 * so a 2-lot that made 10 ticks counts as 10 ticks, not 20. The two agree (points = ticks *
 * tickSize) whenever tickValueCents = 100 * tickSize * multiplier, which computeStatistics checks.
 * Cents are summed exactly as integers; USD = cents / 100 only at the end.
 */
import type { StatisticsInstrument } from "./types";

export interface MoneyFigure {
  cents: number;
  usd: number;
  ticksPerContract: number;
  pointsPerContract: number;
}

export const ZERO_MONEY: MoneyFigure = Object.freeze({ cents: 0, usd: 0, ticksPerContract: 0, pointsPerContract: 0 });

/** Accumulates cents and per-contract units over round trips. */
export class MoneySum {
  cents = 0;
  ticks = 0;
  points = 0;
  count = 0;

  constructor(private readonly instrument: StatisticsInstrument) {}

  add(cents: number, qty: number): void {
    this.cents += cents;
    this.ticks += cents / (qty * this.instrument.tickValueCents);
    this.points += cents / (qty * this.instrument.multiplier * 100);
    this.count++;
  }

  total(): MoneyFigure {
    return figure(this.cents, this.ticks, this.points);
  }

  /** Mean per round trip; null when nothing was added. */
  mean(): MoneyFigure | null {
    const n = this.count;
    return n === 0 ? null : figure(this.cents / n, this.ticks / n, this.points / n);
  }
}

/** The figure of one round trip's `cents`. */
export function tripMoney(instrument: StatisticsInstrument, cents: number, qty: number): MoneyFigure {
  const s = new MoneySum(instrument);
  s.add(cents, qty);
  return s.total();
}

function figure(cents: number, ticks: number, points: number): MoneyFigure {
  return { cents, usd: cents / 100, ticksPerContract: ticks, pointsPerContract: points };
}
