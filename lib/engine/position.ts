/**
 * Net position in one instrument, kept as FIFO lots so realised P&L is exact in integer
 * tick-contracts (an average-cost position would need fractional ticks as soon as entries differ).
 *
 * Invariants: `qty` is the signed sum of open lots; `costTicks` is the sum of lot price x lot size;
 * all lots are on the side of `qty`. A fill against the position first closes lots oldest first;
 * whatever is left of it opens a new lot on the other side (a reversal).
 */
import type { Side } from "./order";

/** What one fill did to the position. */
export interface PositionChange {
  /** Contracts of existing lots closed by the fill. */
  closedQty: number;
  /** Realised P&L of the closed contracts, in tick-contracts (x tickValueCents = cents). */
  realisedTicks: number;
  /** Contracts opened by the fill (a new lot on the fill's side). */
  openedQty: number;
}

export class Position {
  private signedQty = 0;
  private costTicks = 0;
  private readonly lotQty: number[] = [];
  private readonly lotPriceTicks: number[] = [];
  private head = 0;

  /** Signed contracts: > 0 long, < 0 short. */
  get qty(): number {
    return this.signedQty;
  }

  /** Average entry price of the open lots in ticks (may be fractional); null when flat. */
  get avgEntryTicks(): number | null {
    return this.signedQty === 0 ? null : this.costTicks / Math.abs(this.signedQty);
  }

  /** Unrealised P&L at `markTicks`, in tick-contracts. */
  unrealisedTicks(markTicks: number): number {
    if (this.signedQty === 0) return 0;
    const abs = Math.abs(this.signedQty);
    return Math.sign(this.signedQty) * (markTicks * abs - this.costTicks);
  }

  /** Applies a fill of `qty` contracts on `side` at `priceTicks`; writes what happened into `out`. */
  apply(side: Side, qty: number, priceTicks: number, out: PositionChange): PositionChange {
    out.closedQty = 0;
    out.realisedTicks = 0;
    out.openedQty = 0;
    let remaining = qty;
    const direction = Math.sign(this.signedQty);
    if (direction === -side) {
      while (remaining > 0 && this.head < this.lotQty.length) {
        const lot = this.lotQty[this.head];
        const lotPrice = this.lotPriceTicks[this.head];
        const take = lot < remaining ? lot : remaining;
        out.realisedTicks += (priceTicks - lotPrice) * take * direction;
        out.closedQty += take;
        this.costTicks -= lotPrice * take;
        this.signedQty -= direction * take;
        remaining -= take;
        if (take === lot) this.head++;
        else this.lotQty[this.head] = lot - take;
      }
      if (this.head === this.lotQty.length) {
        this.lotQty.length = 0;
        this.lotPriceTicks.length = 0;
        this.head = 0;
      }
    }
    if (remaining > 0) {
      this.lotQty.push(remaining);
      this.lotPriceTicks.push(priceTicks);
      this.costTicks += priceTicks * remaining;
      this.signedQty += side * remaining;
      out.openedQty = remaining;
    }
    return out;
  }

  /**
   * Marks the open lots to `priceTicks` (daily settlement): returns their P&L since their entry or
   * last mark, in tick-contracts, and resets every lot's price to `priceTicks`. Quantity unchanged.
   */
  markTo(priceTicks: number): number {
    const variation = this.unrealisedTicks(priceTicks);
    for (let k = this.head; k < this.lotPriceTicks.length; k++) this.lotPriceTicks[k] = priceTicks;
    this.costTicks = priceTicks * Math.abs(this.signedQty);
    return variation;
  }
}
