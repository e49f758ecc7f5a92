/**
 * The simulated trading account of a run: cash in integer cents, one position, fees and round trips.
 *
 * equity = startingCash + realised + unrealised(mark) - fees, all in cents, exact.
 * Fees are charged per contract per side at every fill (the exit of a reversal and its new entry
 * each pay their own side). Daily settlement (`settle`) marks the position to the settlement price:
 * its unrealised P&L becomes realised (cash) and the lots restart from that price, so equity does
 * not change at a settlement.
 */
import type { Instrument } from "./instrument";
import type { Side } from "./order";
import { Position, type PositionChange } from "./position";
import { RoundTripRecorder } from "./round-trip";

export class Account {
  readonly position = new Position();
  readonly roundTrips: RoundTripRecorder;
  private realised = 0;
  private fees = 0;
  private readonly change: PositionChange = { closedQty: 0, realisedTicks: 0, openedQty: 0 };

  constructor(
    readonly instrument: Instrument,
    readonly startingCashCents: number,
    readonly feePerSideCents: number,
  ) {
    this.roundTrips = new RoundTripRecorder(instrument.tickSize, instrument.tickValueCents, feePerSideCents);
  }

  /** Realised (closed) P&L before fees, cents. */
  get realisedCents(): number {
    return this.realised;
  }

  get feesCents(): number {
    return this.fees;
  }

  unrealisedCents(markTicks: number): number {
    return this.position.unrealisedTicks(markTicks) * this.instrument.tickValueCents;
  }

  equityCents(markTicks: number): number {
    return this.startingCashCents + this.realised + this.unrealisedCents(markTicks) - this.fees;
  }

  /** Books a fill; returns the fee charged for it in cents. */
  applyFill(side: Side, qty: number, priceTicks: number, tsNs: bigint): number {
    const change = this.position.apply(side, qty, priceTicks, this.change);
    const fee = qty * this.feePerSideCents;
    this.realised += change.realisedTicks * this.instrument.tickValueCents;
    this.fees += fee;
    this.roundTrips.record(side, priceTicks, tsNs, change, this.position.qty);
    return fee;
  }

  /** Daily settlement at `priceTicks`: returns the variation moved to realised P&L, cents. */
  settle(priceTicks: number): number {
    const cents = this.position.markTo(priceTicks) * this.instrument.tickValueCents;
    this.realised += cents;
    this.roundTrips.addVariation(cents);
    return cents;
  }
}
