/**
 * The read-only view of the market's order book that book strategies get as `ctx.book`: prices in
 * integer ticks, sizes in contracts. Every read goes to the live L3 book (no copy, no allocation);
 * read it only inside handlers, where the book is at an event boundary.
 *
 * Sides are the order-side convention of the engine: 1 = bid (buyers), -1 = ask (sellers).
 * The best prices are taken once per event boundary (`refresh`), so inside onTrade/onFill (which
 * run mid-event) they are those of the last boundary.
 */
import { SIDE } from "../../market/mbo-columns";
import type { OrderBook } from "../../book/order-book";
import type { Side } from "../order";

export interface BookView {
  /** Best bid in ticks, NaN when no bid rests. */
  readonly bestBidTicks: number;
  /** Best ask in ticks, NaN when no ask rests. */
  readonly bestAskTicks: number;
  readonly bestBidSize: number;
  readonly bestAskSize: number;
  readonly bidLevels: number;
  readonly askLevels: number;
  /** Total size resting at a price (0 when none). */
  sizeAt(side: Side, priceTicks: number): number;
  /**
   * Writes the best `maxLevels` levels of a side (best first) into the caller's arrays; missing
   * levels get price NaN and size 0. Returns the number of levels present. No allocation.
   */
  depth(side: Side, maxLevels: number, outPriceTicks: Float64Array, outSize: Float64Array): number;
}

const MAX_DEPTH = 64;

export class LiveBookView implements BookView {
  private readonly counts = new Uint32Array(MAX_DEPTH);
  /** Best prices at the last boundary, 1e-9 units (NaN: side empty). */
  bidNano = Number.NaN;
  askNano = Number.NaN;

  constructor(
    private readonly book: OrderBook,
    /** Tick size in 1e-9 units (the book's price unit). */
    private readonly tickNano: number,
  ) {}

  /** Takes the best prices of the book as it stands (called by the engine at each boundary). */
  refresh(): void {
    this.bidNano = this.book.bestPrice(SIDE.BID);
    this.askNano = this.book.bestPrice(SIDE.ASK);
  }

  get bestBidTicks(): number {
    return this.bidNano / this.tickNano;
  }

  get bestAskTicks(): number {
    return this.askNano / this.tickNano;
  }

  get bestBidSize(): number {
    return this.book.bestSize(SIDE.BID);
  }

  get bestAskSize(): number {
    return this.book.bestSize(SIDE.ASK);
  }

  get bidLevels(): number {
    return this.book.levelCount(SIDE.BID);
  }

  get askLevels(): number {
    return this.book.levelCount(SIDE.ASK);
  }

  sizeAt(side: Side, priceTicks: number): number {
    return this.book.sizeAt(side === 1 ? SIDE.BID : SIDE.ASK, priceTicks * this.tickNano);
  }

  depth(side: Side, maxLevels: number, outPriceTicks: Float64Array, outSize: Float64Array): number {
    const n = Math.min(maxLevels, MAX_DEPTH, outPriceTicks.length, outSize.length);
    const present = this.book.depth(side === 1 ? SIDE.BID : SIDE.ASK, n, outPriceTicks, outSize, this.counts);
    for (let k = 0; k < present; k++) outPriceTicks[k] /= this.tickNano;
    return present;
  }
}
