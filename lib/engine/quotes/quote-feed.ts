/**
 * The quote feed: a dataset's top-of-book quotes and trades merged into one time-ordered stream of
 * synthetic MBO records, so the book engine (lib/engine/book/book-engine.ts) runs its `l1-quotes`
 * model on MBP-1 / TBBO / BBO / MBP-10 data with the same order handling, accounting and results
 * as on MBO data (one engine, not a second copy of the matching rules).
 *
 * Each source event becomes one book event (its last record carries LAST):
 *   quote  per side, A (first time) or M (modify) of that side's synthetic order - id 1 bid,
 *          id 2 ask - to the quoted price and size, or C (cancel) of it when the side became
 *          empty (no price, or size 0); nothing for a side that stays empty (an N record when
 *          nothing else is sent). A quote of unknown sizes (QUOTE_KIND.SIZE_UNKNOWN, e.g.
 *          NinjaTrader bid/ask exports) shows each priced side as ONE displayed contract: l1-quotes
 *          ignores displayed sizes (market orders fill whole at the opposite best), and a
 *          size-based signal (book-imbalance) sees balanced sizes, not an empty book:
 *          the book then holds exactly the quote, one order of the displayed size per side.
 *          (Modifies instead of clear + adds: the book keeps its level objects, ~4x faster.)
 *   trade  one T record (price, size, aggressor side B/A/N), which leaves the book alone.
 *
 * Ordering: by ts_recv. Ties at one ts_recv keep the file order as far as it is known: quotes
 * come first, and a quote whose source record was itself a trade (QUOTE_KIND.TRADE: an MBP-1 T
 * record, a TBBO record) is followed at once by the next trade at the same ts_recv - so a trade
 * sits right after the book it printed against (TBBO: the BBO just before it), before the quotes
 * of the cancels that follow it. A trade with no such quote (the trades of a trades-only import
 * into the same dataset) follows every quote of its ts_recv.
 *
 * Limits: the synthetic book has one level per side (the top of book), so only `l1-quotes` is
 * meaningful on it; counts of orders are not replayed. MBP-10 datasets replay their stored depth
 * instead (lib/engine/depth/depth-feed.ts).
 */
import { ACTION, MBO_FLAG, SIDE, allocateMboColumns, type MboColumns } from "../../market/mbo-columns";
import type { TradeColumns } from "../../market/trade-columns";
import { QUOTE_KIND, type QuoteColumns } from "./quote-columns";

export interface QuoteFeedBatch {
  /** Synthetic MBO records (times exact offsets from `columns.baseNs`). */
  readonly columns: MboColumns;
  /** Source events (quotes + trades) in the batch. */
  readonly events: number;
}

/** Largest time offset inside one output batch before it is cut and re-based (exact far below 2^53). */
const MAX_OFFSET_NS = 2 ** 50;
const BID_ID = 1;
const ASK_ID = 2;

/**
 * Merges quote and trade batches (pulled on demand) into `QuoteFeedBatch`es. Drive it with
 * `step()`: "quotes" / "trades" = push the next batch of that stream (null at its end), "batch" =
 * `take()` a full batch, "end" = done.
 */
export class QuoteFeedMerger {
  private q: QuoteColumns | null = null;
  private qi = 0;
  private qDone = false;
  private qShift = 0;
  private t: TradeColumns | null = null;
  private ti = 0;
  private tDone = false;
  private tShift = 0;
  private out: MboColumns;
  private events = 0;
  /** The synthetic orders resting in the replayed book: price (1e-9) and size per side, NaN = none. */
  private bidNano = Number.NaN;
  private bidSize = 0;
  private askNano = Number.NaN;
  private askSize = 0;

  constructor(
    /** Tick size in 1e-9 units (the MBO price unit). */
    private readonly tickNano: number,
    /** Source events per output batch. */
    private readonly maxEvents: number,
  ) {
    if (!(maxEvents >= 1)) throw new RangeError("maxEvents must be >= 1");
    this.out = allocateMboColumns(maxEvents * 2, 0n);
  }

  pushQuotes(batch: QuoteColumns | null): void {
    if (batch === null) this.qDone = true;
    else {
      this.q = batch;
      this.qi = 0;
      this.qShift = Number(batch.baseNs - this.out.baseNs);
    }
  }

  pushTrades(batch: TradeColumns | null): void {
    if (batch === null) this.tDone = true;
    else {
      this.t = batch;
      this.ti = 0;
      this.tShift = Number(batch.baseNs - this.out.baseNs);
    }
  }

  step(): "quotes" | "trades" | "batch" | "end" {
    for (;;) {
      if (!this.qDone && (this.q === null || this.qi >= this.q.length)) return "quotes";
      if (!this.tDone && (this.t === null || this.ti >= this.t.length)) return "trades";
      const hasQ = !this.qDone;
      const hasT = !this.tDone;
      if (!hasQ && !hasT) return this.events > 0 ? "batch" : "end";
      if (this.events >= this.maxEvents) return "batch";
      const q = this.q!;
      const t = this.t!;
      if (this.out.length === 0) this.rebase(hasQ ? q.baseNs + BigInt(q.tsRecvOffsetNs[this.qi]) : null, hasT ? t.baseNs + BigInt(t.tsOffsetNs[this.ti]) : null);
      const qt = hasQ ? q.tsRecvOffsetNs[this.qi] + this.qShift : Infinity;
      const tt = hasT ? t.tsOffsetNs[this.ti] + this.tShift : Infinity;
      if (Math.min(qt, tt) > MAX_OFFSET_NS && this.events > 0) return "batch";
      if (qt <= tt) {
        const paired = (q.kind[this.qi] & QUOTE_KIND.TRADE) !== 0;
        this.emitQuote(q, this.qi++, qt);
        if (paired && tt === qt) this.emitTrade(t, this.ti++, tt);
      } else {
        this.emitTrade(t, this.ti++, tt);
      }
    }
  }

  /** The batch filled so far (ownership passes to the caller; a new one is started). */
  take(): QuoteFeedBatch {
    const batch = { columns: this.out, events: this.events };
    this.out = allocateMboColumns(this.maxEvents * 2, this.out.baseNs);
    this.events = 0;
    return batch;
  }

  private rebase(qNs: bigint | null, tNs: bigint | null): void {
    const base = qNs === null ? tNs! : tNs === null || qNs <= tNs ? qNs : tNs;
    this.out.baseNs = base;
    if (this.q !== null) this.qShift = Number(this.q.baseNs - base);
    if (this.t !== null) this.tShift = Number(this.t.baseNs - base);
  }

  private record(at: number, ts: number, evDelta: number, action: number, side: number, id: number, priceNano: number, size: number, flags: number): void {
    const o = this.out;
    o.tsRecvOffsetNs[at] = ts;
    o.tsEventDeltaNs[at] = evDelta;
    o.action[at] = action;
    o.side[at] = side;
    o.orderIdLo[at] = id;
    o.priceNano[at] = priceNano;
    o.size[at] = size;
    o.flags[at] = flags;
  }

  private emitQuote(q: QuoteColumns, i: number, ts: number): void {
    const o = this.out;
    const ev = q.tsEventDeltaNs[i];
    const bid = q.bidTicks[i];
    const ask = q.askTicks[i];
    const start = o.length;
    let n = start;
    const unknown = (q.kind[i] & QUOTE_KIND.SIZE_UNKNOWN) !== 0;
    if (bid === bid && (q.bidSize[i] > 0 || unknown)) {
      const action = this.bidNano === this.bidNano ? ACTION.MODIFY : ACTION.ADD;
      this.record(n++, ts, ev, action, SIDE.BID, BID_ID, (this.bidNano = bid * this.tickNano), (this.bidSize = unknown ? 1 : q.bidSize[i]), 0);
    } else if (this.bidNano === this.bidNano) {
      this.record(n++, ts, ev, ACTION.CANCEL, SIDE.BID, BID_ID, this.bidNano, this.bidSize, 0);
      this.bidNano = Number.NaN;
    }
    if (ask === ask && (q.askSize[i] > 0 || unknown)) {
      const action = this.askNano === this.askNano ? ACTION.MODIFY : ACTION.ADD;
      this.record(n++, ts, ev, action, SIDE.ASK, ASK_ID, (this.askNano = ask * this.tickNano), (this.askSize = unknown ? 1 : q.askSize[i]), 0);
    } else if (this.askNano === this.askNano) {
      this.record(n++, ts, ev, ACTION.CANCEL, SIDE.ASK, ASK_ID, this.askNano, this.askSize, 0);
      this.askNano = Number.NaN;
    }
    if (n === start) this.record(n++, ts, ev, ACTION.NONE, SIDE.NONE, 0, Number.NaN, 0, 0);
    o.flags[n - 1] = MBO_FLAG.LAST;
    o.length = n;
    this.events++;
  }

  private emitTrade(t: TradeColumns, i: number, ts: number): void {
    const o = this.out;
    const side = t.side[i] === 1 ? SIDE.BID : t.side[i] === -1 ? SIDE.ASK : SIDE.NONE;
    this.record(o.length++, ts, t.eventDeltaNs[i], ACTION.TRADE, side, 0, t.priceTicks[i] * this.tickNano, t.size[i], MBO_FLAG.LAST);
    this.events++;
  }
}

/** The whole merge of in-memory batches (tests, benchmarks): the batches `readQuoteFeed` would yield. */
export function mergeQuoteFeed(quotes: readonly QuoteColumns[], trades: readonly TradeColumns[], tickNano: number, maxEvents = 65_536): QuoteFeedBatch[] {
  const merger = new QuoteFeedMerger(tickNano, maxEvents);
  const out: QuoteFeedBatch[] = [];
  let qk = 0;
  let tk = 0;
  for (;;) {
    const need = merger.step();
    if (need === "quotes") merger.pushQuotes(qk < quotes.length ? quotes[qk++] : null);
    else if (need === "trades") merger.pushTrades(tk < trades.length ? trades[tk++] : null);
    else if (need === "batch") out.push(merger.take());
    else return out;
  }
}
