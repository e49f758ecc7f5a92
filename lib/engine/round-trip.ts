/**
 * Round trips: one record per excursion from flat back to flat. A reversal (long 1 -> short 1 in
 * one fill of 2) closes the current round trip and opens the next one at the same fill; the
 * fill's fees are split per contract between them.
 *
 * Entry and exit prices are size-weighted averages of the entry and exit fills, converted to index
 * points; P&L and fees stay in exact integer cents. `qty` is the number of contracts opened (and,
 * once flat, closed) during the round trip.
 */
import type { Side } from "./order";
import type { PositionChange } from "./position";
import { AppError } from "../errors";

export interface RoundTrip {
  /** 1 long, -1 short. */
  readonly side: Side;
  readonly qty: number;
  /** Time of the first entry fill, ns since the epoch. */
  readonly entryTimeNs: bigint;
  /** Time of the fill that made the position flat (or reversed it), ns since the epoch. */
  readonly exitTimeNs: bigint;
  /** Average entry price in index points. */
  readonly entryPrice: number;
  /** Average exit price in index points. */
  readonly exitPrice: number;
  /** Gross P&L (before fees), cents. */
  readonly pnlCents: number;
  /** Fees of both sides of every contract of the round trip, cents. */
  readonly feesCents: number;
  readonly netCents: number;
}

interface OpenRoundTrip {
  side: Side;
  entryTimeNs: bigint;
  entryQty: number;
  entryTicksSum: number;
  exitQty: number;
  exitTicksSum: number;
  pnlCents: number;
  feesCents: number;
}

export class RoundTripRecorder {
  readonly closed: RoundTrip[] = [];
  private open: OpenRoundTrip | null = null;

  constructor(
    private readonly tickSize: number,
    private readonly tickValueCents: number,
    private readonly feePerSideCents: number,
  ) {}

  /** Records a fill that changed the position as described by `change`. */
  record(side: Side, priceTicks: number, tsNs: bigint, change: Readonly<PositionChange>, positionQtyAfter: number): void {
    if (change.closedQty > 0) {
      const open = this.open;
      if (open === null) throw new AppError("internal", "Round trip bookkeeping: a closing fill without an open round trip");
      open.exitQty += change.closedQty;
      open.exitTicksSum += priceTicks * change.closedQty;
      open.pnlCents += change.realisedTicks * this.tickValueCents;
      open.feesCents += change.closedQty * this.feePerSideCents;
      if (change.openedQty > 0 || positionQtyAfter === 0) this.close(open, tsNs);
    }
    if (change.openedQty > 0) {
      if (this.open === null) {
        this.open = { side, entryTimeNs: tsNs, entryQty: 0, entryTicksSum: 0, exitQty: 0, exitTicksSum: 0, pnlCents: 0, feesCents: 0 };
      }
      this.open.entryQty += change.openedQty;
      this.open.entryTicksSum += priceTicks * change.openedQty;
      this.open.feesCents += change.openedQty * this.feePerSideCents;
    }
  }

  /** Adds a settlement variation (cents) to the open round trip: its P&L spans every settlement. */
  addVariation(cents: number): void {
    if (this.open !== null) this.open.pnlCents += cents;
  }

  private close(open: OpenRoundTrip, exitTimeNs: bigint): void {
    this.closed.push({
      side: open.side,
      qty: open.entryQty,
      entryTimeNs: open.entryTimeNs,
      exitTimeNs,
      entryPrice: (open.entryTicksSum / open.entryQty) * this.tickSize,
      exitPrice: (open.exitTicksSum / open.exitQty) * this.tickSize,
      pnlCents: open.pnlCents,
      feesCents: open.feesCents,
      netCents: open.pnlCents - open.feesCents,
    });
    this.open = null;
  }
}
