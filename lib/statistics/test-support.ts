/** Builders shared by the statistics tests (not used by production code). */
import { chicagoToUtcMs } from "../market/time-zone";
import type { StatisticsInstrument, StatisticsRoundTrip } from "./types";

/** MNQ: 0.25 pt tick, $0.50 per tick, $2 per point. */
export const MNQ: StatisticsInstrument = { tickSize: 0.25, tickValueCents: 50, multiplier: 2 };

/** Instant (ms) of a Chicago wall-clock time "YYYY-MM-DD HH:MM[:SS]". */
export function ct(text: string): number {
  const [date, time] = text.split(" ");
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi, s = 0] = time.split(":").map(Number);
  return chicagoToUtcMs(y, mo, d, h, mi, s);
}

export const utc = (iso: string): number => Date.parse(iso);
export const msToNs = (ms: number): bigint => BigInt(ms) * 1_000_000n;

/** A round trip; net = pnl - fees; prices are placeholders unless given. */
export function trip(t: { side?: 1 | -1; qty?: number; entryMs: number; exitMs: number; pnlCents: number; feesCents?: number; maeTicks?: number; mfeTicks?: number }): StatisticsRoundTrip {
  const feesCents = t.feesCents ?? 0;
  return {
    side: t.side ?? 1,
    qty: t.qty ?? 1,
    entryTimeNs: msToNs(t.entryMs),
    exitTimeNs: msToNs(t.exitMs),
    entryPrice: 18000,
    exitPrice: 18000,
    pnlCents: t.pnlCents,
    feesCents,
    netCents: t.pnlCents - feesCents,
    ...(t.maeTicks === undefined ? {} : { maeTicks: t.maeTicks }),
    ...(t.mfeTicks === undefined ? {} : { mfeTicks: t.mfeTicks }),
  };
}
