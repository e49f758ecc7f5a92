/**
 * Collects parsed trades into `TradeColumns` batches (the store's unit of work) together with the
 * records left out. The price check happens here, once for every format: a price in 1e-9 units
 * must be a whole number of ticks ("off_tick_grid" otherwise - never rounded) within int32 ticks
 * ("out_of_range"). A batch is based at its first ts_recv and cut before its offsets could leave
 * the exact range of a float64 (2^52 ns, ~52 days), and at `capacity` trades.
 *
 * A trade that carries its quote (`ParsedTrade.quote`) adds that quote to the batch's
 * `SourceQuotes` (rules in types.ts), in the same batch as the trade, linked to it when both are
 * kept. Formats without quotes never allocate quote columns.
 */
import { allocateQuoteColumns, QUOTE_KIND, type QuoteColumns } from "../../engine/quotes/quote-columns";
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import type { ParsedQuote, ParsedTrade, SourceBatch, SourceQuotes, SourceRejected } from "./types";

export const BATCH_CAPACITY = 65_536;
const MAX_SPAN_NS = 2n ** 52n;
const INT32_MAX = 0x7fffffff;

/** Per accepted trade: where it came from (text formats keep the raw line). */
export interface TradeOrigin {
  recordIndex: number;
  file: string;
  /** The raw line (text formats) or null. */
  text: string | null;
}

export class TradeBatcher {
  /** Completed batches, to hand out in order (`takeReady`). */
  readonly ready: SourceBatch[] = [];
  private columns: TradeColumns;
  private rejected: SourceRejected[] = [];
  private origins: TradeOrigin[] = [];
  private readonly tick: number;
  /** The batch's quotes (allocated at its first quote-bearing record), and the last stored quote's time. */
  private quotes: SourceQuotes | null = null;
  private lastQuoteNs: bigint | null = null;

  constructor(
    tickSizeNano: bigint,
    private readonly capacity = BATCH_CAPACITY,
  ) {
    this.tick = Number(tickSizeNano);
    this.columns = allocateTradeColumns(capacity, 0n);
  }

  /** Adds a parsed trade, or rejects it when its price is off the grid or out of range; then its quote, if any. */
  add(trade: ParsedTrade, origin: TradeOrigin, extra?: Record<string, unknown>): void {
    const px = trade.priceNano;
    const reason =
      !Number.isSafeInteger(px) || !(trade.size >= 0 && trade.size <= INT32_MAX) ? "out_of_range"
      : px % this.tick !== 0 ? "off_tick_grid"
      : Math.abs(px / this.tick) > INT32_MAX ? "out_of_range"
      : null;
    const quote = trade.quote ?? null;
    // A trade and its quote go into one batch: cut before either when one would leave the span.
    if ((reason === null && tooFar(this.columns.length, this.columns.baseNs, trade.tsRecvNs)) || (quote !== null && this.quotes !== null && tooFar(this.quotes.columns.length, this.quotes.columns.baseNs, trade.tsRecvNs))) this.cut();
    if (reason) {
      this.reject(origin, reason, trade.tsRecvNs, { ...extra, priceNano: Number.isFinite(px) ? px : null, size: trade.size, side: trade.side });
      if (quote !== null) this.addQuote(quote, trade, origin, -1);
      return;
    }
    const out = this.columns;
    const n = out.length;
    if (n === 0) out.baseNs = trade.tsRecvNs;
    out.tsOffsetNs[n] = Number(trade.tsRecvNs - out.baseNs);
    out.eventDeltaNs[n] = Number(trade.tsEventNs - trade.tsRecvNs);
    out.priceTicks[n] = px / this.tick;
    out.size[n] = trade.size;
    out.side[n] = trade.side;
    this.origins.push(origin);
    out.length = n + 1;
    if (quote !== null) this.addQuote(quote, trade, origin, n);
    else if (this.quotes !== null) this.quotes.quoteOfTrade[n] = -1;
    if (out.length >= this.capacity) this.cut();
  }

  /** The quote of a trade record (`tradeAt`: the trade's index in this batch, -1 when it was rejected). */
  private addQuote(quote: ParsedQuote, trade: ParsedTrade, origin: TradeOrigin, tradeAt: number): void {
    const q = (this.quotes ??= emptyQuotes(this.capacity, this.columns.length));
    if (tradeAt >= 0) q.quoteOfTrade[tradeAt] = -1;
    q.read++;
    const ts = trade.tsRecvNs;
    const bid = this.sideTicks(quote.bidNano);
    const ask = this.sideTicks(quote.askNano);
    if (bid === undefined || ask === undefined || (this.lastQuoteNs !== null && ts < this.lastQuoteNs)) {
      const reason = bid === undefined || ask === undefined ? "quote_off_tick_grid" : "quote_out_of_order";
      q.rejected.push(this.rejectedOf(origin, reason, ts, { bidNano: finiteOrNull(quote.bidNano), askNano: finiteOrNull(quote.askNano) }));
      if (q.rejected.length >= this.capacity) this.cut();
      return;
    }
    const c = q.columns;
    const i = c.length;
    if (i === 0) c.baseNs = ts;
    c.tsRecvOffsetNs[i] = Number(ts - c.baseNs);
    c.tsEventDeltaNs[i] = Number(trade.tsEventNs - ts);
    c.bidTicks[i] = bid;
    c.askTicks[i] = ask;
    const unknownSize = Number.isNaN(quote.bidSize) || Number.isNaN(quote.askSize);
    c.bidSize[i] = bid === bid && !unknownSize ? quote.bidSize : 0;
    c.askSize[i] = ask === ask && !unknownSize ? quote.askSize : 0;
    c.bidCount[i] = 0;
    c.askCount[i] = 0;
    c.kind[i] = (tradeAt >= 0 ? QUOTE_KIND.TRADE : 0) | (unknownSize ? QUOTE_KIND.SIZE_UNKNOWN : 0);
    c.length = i + 1;
    if (tradeAt >= 0) q.quoteOfTrade[tradeAt] = i;
    this.lastQuoteNs = ts;
    if (bid === bid && ask === ask && bid >= ask) {
      q.flagged.push(this.rejectedOf(origin, bid > ask ? "flag_crossed_quote" : "flag_locked_quote", ts, { bidNano: quote.bidNano, askNano: quote.askNano }));
    }
    if (c.length >= this.capacity) this.cut();
  }

  /** A side's price in ticks: NaN = empty, undefined = off the grid or beyond int32 ticks. */
  private sideTicks(nano: number): number | undefined {
    if (nano !== nano) return Number.NaN;
    if (!Number.isSafeInteger(nano) || nano % this.tick !== 0 || Math.abs(nano / this.tick) > INT32_MAX) return undefined;
    return nano / this.tick;
  }

  /** Records a record that is not a trade we can store, with its reason and payload. */
  reject(origin: TradeOrigin, reason: string, tsRecvNs: bigint | null | undefined, detail: Record<string, unknown>): void {
    this.rejected.push(this.rejectedOf(origin, reason, tsRecvNs, detail));
    if (this.rejected.length >= this.capacity) this.cut();
  }

  private rejectedOf(origin: TradeOrigin, reason: string, tsRecvNs: bigint | null | undefined, detail: Record<string, unknown>): SourceRejected {
    const payload: Record<string, unknown> = { file: origin.file, ...detail };
    if (origin.text !== null) payload.line = clip(origin.text);
    return { recordIndex: origin.recordIndex, reason, tsRecvNs: tsRecvNs ?? null, payload };
  }

  /** Closes the current batch (if it holds anything) into `ready`. */
  cut(): void {
    if (this.columns.length + this.rejected.length === 0 && this.quotes === null) return;
    const origins = this.origins;
    this.ready.push({
      columns: this.columns,
      rejected: this.rejected,
      origin: (i) => {
        const o = origins[i];
        const payload: Record<string, unknown> = { file: o.file };
        if (o.text !== null) payload.line = clip(o.text);
        return { recordIndex: o.recordIndex, payload };
      },
      ...(this.quotes !== null ? { quotes: this.quotes } : {}),
    });
    this.columns = allocateTradeColumns(this.capacity, 0n);
    this.rejected = [];
    this.origins = [];
    this.quotes = null;
  }

  /** Completed batches since the last call, oldest first. */
  takeReady(): SourceBatch[] {
    return this.ready.length ? this.ready.splice(0) : NONE;
  }
}

const NONE: SourceBatch[] = [];

/** Whether a record at `tsNs` would take a batch of `length` records based at `baseNs` past the exact span. */
function tooFar(length: number, baseNs: bigint, tsNs: bigint): boolean {
  if (length === 0) return false;
  const span = tsNs - baseNs;
  return span >= MAX_SPAN_NS || span <= -MAX_SPAN_NS;
}

/** Quotes of a new batch whose first `tradesBefore` trades carry none. */
function emptyQuotes(capacity: number, tradesBefore: number): SourceQuotes {
  const quoteOfTrade = new Int32Array(capacity);
  quoteOfTrade.fill(-1, 0, tradesBefore);
  const columns: QuoteColumns = allocateQuoteColumns(capacity, 0n);
  return { columns, quoteOfTrade, read: 0, rejected: [], flagged: [] };
}

function finiteOrNull(nano: number): number | null {
  return Number.isFinite(nano) ? nano : null;
}

/** Raw lines are kept in payloads up to 2,000 characters. */
function clip(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}
