/**
 * Collects parsed trades into `TradeColumns` batches (the store's unit of work) together with the
 * records left out. The price check happens here, once for every format: a price in 1e-9 units
 * must be a whole number of ticks ("off_tick_grid" otherwise - never rounded) within int32 ticks
 * ("out_of_range"). A batch is based at its first ts_recv and cut before its offsets could leave
 * the exact range of a float64 (2^52 ns, ~52 days), and at `capacity` trades.
 */
import { allocateTradeColumns, type TradeColumns } from "../../market/trade-columns";
import type { ParsedTrade, SourceBatch, SourceRejected } from "./types";

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

  constructor(
    tickSizeNano: bigint,
    private readonly capacity = BATCH_CAPACITY,
  ) {
    this.tick = Number(tickSizeNano);
    this.columns = allocateTradeColumns(capacity, 0n);
  }

  /** Adds a parsed trade, or rejects it when its price is off the grid or out of range. */
  add(trade: ParsedTrade, origin: TradeOrigin, extra?: Record<string, unknown>): void {
    const px = trade.priceNano;
    const reason =
      !Number.isSafeInteger(px) || !(trade.size >= 0 && trade.size <= INT32_MAX) ? "out_of_range"
      : px % this.tick !== 0 ? "off_tick_grid"
      : Math.abs(px / this.tick) > INT32_MAX ? "out_of_range"
      : null;
    if (reason) {
      this.reject(origin, reason, trade.tsRecvNs, { ...extra, priceNano: Number.isFinite(px) ? px : null, size: trade.size, side: trade.side });
      return;
    }
    let out = this.columns;
    if (out.length > 0) {
      const span = trade.tsRecvNs - out.baseNs;
      if (span >= MAX_SPAN_NS || span <= -MAX_SPAN_NS) {
        this.cut();
        out = this.columns;
      }
    }
    const n = out.length;
    if (n === 0) out.baseNs = trade.tsRecvNs;
    out.tsOffsetNs[n] = Number(trade.tsRecvNs - out.baseNs);
    out.eventDeltaNs[n] = Number(trade.tsEventNs - trade.tsRecvNs);
    out.priceTicks[n] = px / this.tick;
    out.size[n] = trade.size;
    out.side[n] = trade.side;
    this.origins.push(origin);
    out.length = n + 1;
    if (out.length >= this.capacity) this.cut();
  }

  /** Records a record that is not a trade we can store, with its reason and payload. */
  reject(origin: TradeOrigin, reason: string, tsRecvNs: bigint | null | undefined, detail: Record<string, unknown>): void {
    const payload: Record<string, unknown> = { file: origin.file, ...detail };
    if (origin.text !== null) payload.line = clip(origin.text);
    this.rejected.push({ recordIndex: origin.recordIndex, reason, tsRecvNs: tsRecvNs ?? null, payload });
    if (this.rejected.length >= this.capacity) this.cut();
  }

  /** Closes the current batch (if it holds anything) into `ready`. */
  cut(): void {
    if (this.columns.length + this.rejected.length === 0) return;
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
    });
    this.columns = allocateTradeColumns(this.capacity, 0n);
    this.rejected = [];
    this.origins = [];
  }

  /** Completed batches since the last call, oldest first. */
  takeReady(): SourceBatch[] {
    return this.ready.length ? this.ready.splice(0) : NONE;
  }
}

const NONE: SourceBatch[] = [];

/** Raw lines are kept in payloads up to 2,000 characters. */
function clip(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}...` : text;
}
