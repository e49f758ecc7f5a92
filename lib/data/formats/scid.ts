/**
 * Sierra Chart intraday files (.scid): a 56-byte header ("SCID", u32 header size = 56, u32 record
 * size = 40, u16 version = 1, ...) then 40-byte little-endian records:
 *   @0  SCDateTime  int64 microseconds since 1899-12-30 00:00 UTC (current versions), or in old
 *                   files a float64 count of days since that date (told apart per record by range)
 *   @8  open f32, @12 high f32 (ask), @16 low f32 (bid), @20 close f32 (the trade price)
 *   @24 NumTrades u32, @28 TotalVolume u32, @32 BidVolume u32, @36 AskVolume u32
 * A tick file holds one trade per record (NumTrades = 1); a record of several trades (a file
 * stored in bars) is rejected as "aggregated_record". Aggressor side from the volumes: all at the
 * ask -> buy (1), all at the bid -> sell (-1), otherwise unknown (0).
 *
 * Prices are float32: the record's price is accepted as tick n when it is exactly the float32
 * nearest to n x tick (that is what Sierra Chart stored for an on-grid price), otherwise
 * "off_tick_grid". A file that ends inside a record is truncated: the import fails.
 * Streaming over chunks (a record may straddle two); pure apart from the file edge.
 */
import { AppError } from "../../errors";
import { baseName, countedChunks } from "./file-chunks";
import { instrumentFromFileName } from "./ninjatrader";
import { TradeBatcher } from "./trade-batcher";
import { emptyParsedTrade, type ByteCounter, type ParsedTrade, type SourceBatch, type TradeSource } from "./types";

export const SCID_HEADER_BYTES = 56;
export const SCID_RECORD_BYTES = 40;
/** Microseconds from 1899-12-30 to 1970-01-01 (25,569 days). */
const EPOCH_OFFSET_US = 25_569n * 86_400_000_000n;
const MIN_US = 1_000_000_000_000_000n; // 1931
const MAX_US = 7_000_000_000_000_000n; // 2121

export function isScid(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x53 && head[1] === 0x43 && head[2] === 0x49 && head[3] === 0x44;
}

export type ScidOutcome = "trade" | { reason: string; detail: string; tsRecvNs?: bigint | null };

/** Decodes one 40-byte record at `view`'s `offset` into `out` (price in 1e-9 units). */
export function decodeScidRecord(view: DataView, offset: number, tickSizeNano: bigint, out: ParsedTrade): ScidOutcome {
  const asInt = view.getBigInt64(offset, true);
  let ns: bigint | null = null;
  if (asInt >= MIN_US && asInt <= MAX_US) ns = (asInt - EPOCH_OFFSET_US) * 1000n;
  else {
    const days = view.getFloat64(offset, true);
    if (Number.isFinite(days) && days > 10_000 && days < 80_000) ns = BigInt(Math.round((days - 25_569) * 86_400_000)) * 1_000_000n;
  }
  if (ns === null) return { reason: "malformed", detail: "the date-time is neither microseconds nor days since 1899-12-30" };
  const close = view.getFloat32(offset + 20, true);
  const numTrades = view.getUint32(offset + 24, true);
  const volume = view.getUint32(offset + 28, true);
  const bidVolume = view.getUint32(offset + 32, true);
  const askVolume = view.getUint32(offset + 36, true);
  if (numTrades !== 1) return { reason: "aggregated_record", detail: `${numTrades} trades in one record (not tick-by-tick data)`, tsRecvNs: ns };
  if (volume > 0x7fffffff) return { reason: "out_of_range", detail: `volume ${volume}`, tsRecvNs: ns };
  if (!Number.isFinite(close)) return { reason: "malformed", detail: "the price is not a number", tsRecvNs: ns };
  const tick = Number(tickSizeNano) / 1e9;
  const ticks = Math.round(close / tick);
  // On the grid when the stored float32 is exactly the float32 nearest to n x tick.
  if (Math.fround(ticks * tick) !== close) return { reason: "off_tick_grid", detail: `price ${close} is not a multiple of the tick ${tick}`, tsRecvNs: ns };
  out.tsRecvNs = ns;
  out.tsEventNs = ns;
  out.priceNano = ticks * Number(tickSizeNano);
  out.size = volume;
  out.side = askVolume > 0 && bidVolume === 0 ? 1 : bidVolume > 0 && askVolume === 0 ? -1 : 0;
  return "trade";
}

export class ScidTradeSource implements TradeSource {
  readonly format = "scid" as const;

  constructor(
    private readonly files: string[],
    private readonly counter?: ByteCounter,
  ) {}

  /** Sierra Chart names files after the symbol ("MNQZ25-CME.scid"). */
  async symbols(): Promise<string[]> {
    const symbols = new Set<string>();
    for (const file of this.files) {
      const s = instrumentFromFileName(baseName(file));
      if (s) symbols.add(s);
    }
    return [...symbols];
  }

  async *batches(tickSizeNano: bigint): AsyncGenerator<SourceBatch> {
    const batcher = new TradeBatcher(tickSizeNano);
    const out = emptyParsedTrade();
    for (const file of this.files) {
      const name = baseName(file);
      const reader = new ScidReader(name);
      for await (const chunk of countedChunks(file, this.counter)) {
        reader.push(chunk, (view, offset, index) => {
          const origin = { recordIndex: index, file: name, text: null };
          const outcome = decodeScidRecord(view, offset, tickSizeNano, out);
          if (outcome === "trade") batcher.add(out, origin, { close: view.getFloat32(offset + 20, true) });
          else batcher.reject(origin, outcome.reason, outcome.tsRecvNs, { detail: outcome.detail, close: view.getFloat32(offset + 20, true) });
        });
        yield* batcher.takeReady();
      }
      reader.finish();
    }
    batcher.cut();
    yield* batcher.takeReady();
  }
}

/** Cuts a byte stream into the header and whole 40-byte records; keeps a straddling record. */
export class ScidReader {
  private carry = new Uint8Array(0);
  private headerLeft = -1;
  private recordSize = SCID_RECORD_BYTES;
  private index = 0;
  private total = 0;

  constructor(private readonly name: string) {}

  push(chunk: Uint8Array, onRecord: (view: DataView, offset: number, index: number) => void): void {
    this.total += chunk.length;
    let bytes = chunk;
    if (this.carry.length) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
    }
    let p = 0;
    if (this.headerLeft < 0) {
      if (bytes.length < 12) {
        this.carry = bytes.slice();
        return;
      }
      if (!isScid(bytes)) throw new AppError("unprocessable", `${this.name} is not a Sierra Chart .scid file (no "SCID" header)`);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      const headerSize = view.getUint32(4, true);
      this.recordSize = view.getUint32(8, true);
      if (this.recordSize !== SCID_RECORD_BYTES || headerSize < 12) {
        throw new AppError("unprocessable", `${this.name}: unsupported .scid layout (header ${headerSize} bytes, records ${this.recordSize} bytes; expected 40-byte records)`);
      }
      this.headerLeft = headerSize;
    }
    const skip = Math.min(this.headerLeft, bytes.length);
    p += skip;
    this.headerLeft -= skip;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    while (p + SCID_RECORD_BYTES <= bytes.length) {
      onRecord(view, p, this.index++);
      p += SCID_RECORD_BYTES;
    }
    this.carry = bytes.slice(p);
  }

  finish(): void {
    if (this.headerLeft !== 0) throw new AppError("unprocessable", `${this.name}: truncated .scid file (${this.total} bytes: no complete header)`);
    if (this.carry.length) {
      throw new AppError("unprocessable", `${this.name}: truncated .scid file (${this.carry.length} bytes after record ${this.index}: not a whole 40-byte record)`);
    }
  }
}
