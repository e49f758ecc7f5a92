/**
 * DBN encoder, versions 1-3: the exact inverse of the decoder (metadata.ts, records-*.ts). A
 * decoded record encodes back to the bytes it came from wherever our record objects carry every
 * field of the layout (all v3 record types but the definition, whose inst_attrib_value,
 * decay_quantity, decay_start_date and flow_schedule_type we do not decode: they are written as
 * Databento's "undefined" defaults). Reserved bytes are zero.
 *
 * Null fields become DBN's undefined values: price i64::MAX, size/count u32::MAX, timestamp
 * u64::MAX, statistics quantity i64::MAX (i32::MAX before v3), contract multiplier i32::MAX.
 * Pure: bytes in memory, no I/O. Used by the Databento text transcoder
 * (lib/data/formats/databento-transcode.ts) and by tests.
 */
import { NULL_SCHEMA, NULL_STYPE, SCHEMA_NAMES, STYPE_NAMES, UNDEF_I32, UNDEF_PRICE, UNDEF_SIZE, UNDEF_TIMESTAMP } from "./enums";
import { METADATA_FIXED_LEN, PRELUDE_LEN, SYMBOL_CSTR_LEN_V1, type DbnMetadata } from "./metadata";
import type { DbnRecord } from "./record";
import { definitionLayout, type DefinitionRecord } from "./records-definition";
import { BBO_LEN, MBO_LEN, MBP10_LEN, MBP1_LEN, OHLCV_LEN, TRADE_LEN, type BidAskLevel } from "./records-market";
import { STATISTICS_LEN_V1, STATISTICS_LEN_V3, STATUS_LEN, SYMBOL_MAPPING_LEN_V1, SYMBOL_MAPPING_LEN_V2, TEXT_RECORD_LEN_V1, TEXT_RECORD_LEN_V2 } from "./records-other";

export const SYMBOL_CSTR_LEN = 71;
const UNDEF_I64 = 0x7fff_ffff_ffff_ffffn;
const utf8 = new TextEncoder();

/** What a record's layout depends on: the stream's version and ts_out. */
export interface EncodeContext {
  version: number;
  tsOut: boolean;
}

/** Metadata to encode: any decoded `DbnMetadata`, or the fields that matter (defaults below). */
export interface MetadataInput {
  version?: number;
  dataset?: string;
  /** Schema name; ignored when `schemaId` is given. null: mixed. */
  schema?: string | null;
  schemaId?: number;
  startNs?: bigint;
  endNs?: bigint | null;
  limit?: bigint | null;
  recordCount?: bigint | null;
  stypeIn?: string | null;
  stypeOut?: string | null;
  tsOut?: boolean;
  symbolCstrLen?: number;
  symbols?: readonly string[];
  partial?: readonly string[];
  notFound?: readonly string[];
  mappings?: DbnMetadata["mappings"];
}

/**
 * The metadata block, prelude included. v3 pads it to a multiple of 8 (as Databento does);
 * `padTo` pads the whole block with zeros to exactly that many bytes (a reserved header that is
 * filled in last); it throws a RangeError when the metadata does not fit.
 */
export function encodeMetadata(m: MetadataInput, padTo?: number): Uint8Array {
  const version = m.version ?? 3;
  const symLen = m.symbolCstrLen ?? (version === 1 ? SYMBOL_CSTR_LEN_V1 : SYMBOL_CSTR_LEN);
  const w = new GrowingWriter();
  w.cstr(m.dataset ?? "", 16);
  w.u16(m.schemaId ?? schemaIdOf(m.schema ?? null));
  w.u64(m.startNs ?? 0n);
  w.u64(m.endNs ?? UNDEF_TIMESTAMP);
  w.u64(m.limit ?? 0n);
  if (version === 1) w.u64(m.recordCount ?? UNDEF_TIMESTAMP);
  w.u8(stypeIdOf(m.stypeIn ?? null));
  w.u8(stypeIdOf(m.stypeOut ?? null));
  w.u8(m.tsOut ? 1 : 0);
  if (version >= 2) w.u16(symLen);
  w.zerosTo(METADATA_FIXED_LEN);
  w.u32(0); // schema definition length
  for (const list of [m.symbols ?? [], m.partial ?? [], m.notFound ?? []]) {
    w.u32(list.length);
    for (const s of list) w.cstr(s, symLen);
  }
  const mappings = m.mappings ?? [];
  w.u32(mappings.length);
  for (const mapping of mappings) {
    w.cstr(mapping.rawSymbol, symLen);
    w.u32(mapping.intervals.length);
    for (const iv of mapping.intervals) {
      w.u32(iv.startDate);
      w.u32(iv.endDate);
      w.cstr(iv.symbol, symLen);
    }
  }
  let length = w.length;
  if (padTo !== undefined) {
    if (PRELUDE_LEN + length > padTo) throw new RangeError(`DBN metadata needs ${PRELUDE_LEN + length} bytes, more than the ${padTo} reserved`);
    length = padTo - PRELUDE_LEN;
  } else if (version === 3) length = Math.ceil(length / 8) * 8;
  const out = new Uint8Array(PRELUDE_LEN + length);
  out.set([0x44, 0x42, 0x4e, version]);
  new DataView(out.buffer).setUint32(4, length, true);
  out.set(w.bytes(), PRELUDE_LEN);
  return out;
}

/** Byte length of `record` in a stream of `ctx` (its layout, plus 8 with ts_out). */
export function encodedLength(record: DbnRecord, ctx: EncodeContext): number {
  return layoutLength(record, ctx.version) + (ctx.tsOut ? 8 : 0);
}

/** One record as bytes. */
export function encodeRecord(record: DbnRecord, ctx: EncodeContext): Uint8Array {
  const out = new Uint8Array(encodedLength(record, ctx));
  encodeRecordInto(record, out, 0, ctx);
  return out;
}

/**
 * Writes `record` at `bytes[offset]` (the bytes must be zero there: reserved fields are not
 * written) and returns its length. Throws a RangeError for a value its field cannot hold (a string
 * longer than the field, a character that is not one byte).
 */
export function encodeRecordInto(record: DbnRecord, bytes: Uint8Array, offset: number, ctx: EncodeContext): number {
  const length = encodedLength(record, ctx);
  if (offset + length > bytes.length) throw new RangeError(`no room for a ${length}-byte record at offset ${offset}`);
  const w = new FieldWriter(bytes, offset);
  bytes[offset] = length / 4;
  bytes[offset + 1] = record.rtype;
  w.u16(2, record.publisherId);
  w.u32(4, record.instrumentId);
  w.u64(8, record.tsEventNs);
  if (ctx.tsOut) w.u64(length - 8, record.tsOutNs ?? UNDEF_TIMESTAMP);
  switch (record.kind) {
    case "trade":
    case "mbp-1":
    case "mbp-10":
      w.price(16, record.priceNano);
      w.size(24, record.size);
      w.char(28, record.action);
      w.char(29, record.side);
      bytes[offset + 30] = record.flags;
      bytes[offset + 31] = record.depth;
      w.u64(32, record.tsRecvNs);
      w.i32(40, record.tsInDelta);
      w.u32(44, record.sequence);
      if (record.kind !== "trade") w.levels(record.levels, record.kind === "mbp-1" ? 1 : 10);
      break;
    case "bbo":
      w.price(16, record.priceNano);
      w.size(24, record.size);
      w.char(29, record.side);
      bytes[offset + 30] = record.flags;
      w.u64(32, record.tsRecvNs);
      w.u32(44, record.sequence);
      w.levels(record.levels, 1);
      break;
    case "mbo":
      w.u64(16, record.orderId);
      w.price(24, record.priceNano);
      w.size(32, record.size);
      bytes[offset + 36] = record.flags;
      bytes[offset + 37] = record.channelId;
      w.char(38, record.action);
      w.char(39, record.side);
      w.u64(40, record.tsRecvNs);
      w.i32(48, record.tsInDelta);
      w.u32(52, record.sequence);
      break;
    case "ohlcv":
      w.price(16, record.openNano);
      w.price(24, record.highNano);
      w.price(32, record.lowNano);
      w.price(40, record.closeNano);
      w.u64(48, record.volume);
      break;
    case "status":
      w.u64(16, record.tsRecvNs);
      w.u16(24, record.action);
      w.u16(26, record.reason);
      w.u16(28, record.tradingEvent);
      w.char(30, record.isTrading);
      w.char(31, record.isQuoting);
      w.char(32, record.isShortSellRestricted);
      break;
    case "statistics": {
      w.u64(16, record.tsRecvNs);
      w.u64(24, record.tsRefNs ?? UNDEF_TIMESTAMP);
      w.price(32, record.priceNano);
      const v3 = ctx.version >= 3;
      if (v3) w.i64(40, record.quantity ?? UNDEF_I64);
      else w.i32(40, record.quantity === null ? UNDEF_I32 : Number(record.quantity));
      const at = v3 ? 48 : 44;
      w.u32(at, record.sequence);
      w.i32(at + 4, record.tsInDelta);
      w.u16(at + 8, record.statType);
      w.u16(at + 10, record.channelId);
      bytes[offset + at + 12] = record.updateAction;
      bytes[offset + at + 13] = record.statFlags;
      break;
    }
    case "symbol-mapping":
      if (ctx.version === 1) {
        w.cstr(16, 22, record.stypeInSymbol);
        w.cstr(38, 22, record.stypeOutSymbol);
        w.u64(64, record.startNs);
        w.u64(72, record.endNs);
      } else {
        bytes[offset + 16] = stypeIdOf(record.stypeIn);
        w.cstr(17, SYMBOL_CSTR_LEN, record.stypeInSymbol);
        bytes[offset + 88] = stypeIdOf(record.stypeOut);
        w.cstr(89, SYMBOL_CSTR_LEN, record.stypeOutSymbol);
        w.u64(160, record.startNs);
        w.u64(168, record.endNs);
      }
      break;
    case "error":
      if (ctx.version === 1) w.cstr(16, 64, record.message);
      else {
        w.cstr(16, 302, record.message);
        bytes[offset + 318] = record.code ?? 0;
        bytes[offset + 319] = record.isLast ? 1 : 0;
      }
      break;
    case "system":
      if (ctx.version === 1) w.cstr(16, 64, record.message);
      else {
        w.cstr(16, 303, record.message);
        bytes[offset + 319] = record.code ?? 0;
      }
      break;
    case "definition":
      writeDefinition(w, record, ctx.version);
      break;
  }
  return length;
}

/** A whole stream in memory (tests, small files): metadata then the records. */
export function encodeDbn(metadata: MetadataInput, records: readonly DbnRecord[]): Uint8Array {
  const head = encodeMetadata(metadata);
  const ctx: EncodeContext = { version: metadata.version ?? 3, tsOut: metadata.tsOut ?? false };
  let total = head.length;
  for (const r of records) total += encodedLength(r, ctx);
  const out = new Uint8Array(total);
  out.set(head);
  let at = head.length;
  for (const r of records) at += encodeRecordInto(r, out, at, ctx);
  return out;
}

function layoutLength(record: DbnRecord, version: number): number {
  const v1 = version === 1;
  switch (record.kind) {
    case "trade":
      return TRADE_LEN;
    case "mbp-1":
      return MBP1_LEN;
    case "mbp-10":
      return MBP10_LEN;
    case "bbo":
      return BBO_LEN;
    case "mbo":
      return MBO_LEN;
    case "ohlcv":
      return OHLCV_LEN;
    case "status":
      return STATUS_LEN;
    case "statistics":
      return version >= 3 ? STATISTICS_LEN_V3 : STATISTICS_LEN_V1;
    case "symbol-mapping":
      return v1 ? SYMBOL_MAPPING_LEN_V1 : SYMBOL_MAPPING_LEN_V2;
    case "error":
    case "system":
      return v1 ? TEXT_RECORD_LEN_V1 : TEXT_RECORD_LEN_V2;
    case "definition":
      return definitionLayout(version).length;
  }
}

function writeDefinition(w: FieldWriter, r: DefinitionRecord, version: number): void {
  const L = definitionLayout(version);
  w.u64(16, r.tsRecvNs);
  w.price(24, r.minPriceIncrementNano);
  w.i64(32, r.displayFactor);
  w.u64(40, r.expirationNs ?? UNDEF_TIMESTAMP);
  w.u64(48, r.activationNs ?? UNDEF_TIMESTAMP);
  w.price(56, r.highLimitPriceNano);
  w.price(64, r.lowLimitPriceNano);
  w.price(72, r.maxPriceVariationNano);
  w.price(L.unitOfMeasureQty, r.unitOfMeasureQtyNano);
  w.price(L.minPriceIncrementAmount, r.minPriceIncrementAmountNano);
  w.price(L.priceRatio, r.priceRatioNano);
  w.price(L.strikePrice, r.strikePriceNano);
  if (L.rawInstrumentIdIs64) w.u64(L.rawInstrumentId, r.rawInstrumentId);
  else w.u32(L.rawInstrumentId, Number(r.rawInstrumentId));
  w.u32(L.underlyingId, r.underlyingId);
  w.i32(L.marketDepthImplied, r.marketDepthImplied);
  w.i32(L.marketDepth, r.marketDepth);
  w.u32(L.marketSegmentId, r.marketSegmentId);
  w.u32(L.maxTradeVol, r.maxTradeVol);
  w.i32(L.minLotSize, r.minLotSize);
  w.i32(L.minLotSizeBlock, r.minLotSizeBlock);
  w.i32(L.minLotSizeRoundLot, r.minLotSizeRoundLot);
  w.u32(L.minTradeVol, r.minTradeVol);
  w.i32(L.contractMultiplier, r.contractMultiplier ?? UNDEF_I32);
  w.i8(L.contractMultiplierUnit, r.contractMultiplierUnit);
  w.i32(L.originalContractSize, r.originalContractSize);
  w.i16(L.applId, r.applId);
  w.u16(L.channelId, r.channelId);
  w.u16(L.maturityYear, r.maturityYear);
  w.u8(L.maturityMonth, r.maturityMonth);
  w.u8(L.maturityDay, r.maturityDay);
  w.u8(L.maturityWeek, r.maturityWeek);
  w.cstr(L.currency, 4, r.currency);
  w.cstr(L.settlCurrency, 4, r.settlCurrency);
  w.cstr(L.secsubtype, 6, r.secsubtype);
  w.cstr(L.rawSymbol, L.symbolLen, r.rawSymbol);
  w.cstr(L.group, 21, r.group);
  w.cstr(L.exchange, 5, r.exchange);
  w.cstr(L.asset, L.assetLen, r.asset);
  w.cstr(L.cfi, 7, r.cfi);
  w.cstr(L.securityType, 7, r.securityType);
  w.cstr(L.unitOfMeasure, 31, r.unitOfMeasure);
  w.cstr(L.underlying, 21, r.underlying);
  w.cstr(L.strikePriceCurrency, 4, r.strikePriceCurrency);
  w.char(L.instrumentClass, r.instrumentClass);
  w.char(L.matchAlgorithm, r.matchAlgorithm);
  w.u8(L.mainFraction, r.mainFraction);
  w.u8(L.priceDisplayFormat, r.priceDisplayFormat);
  w.u8(L.subFraction, r.subFraction);
  w.u8(L.underlyingProduct, r.underlyingProduct);
  w.char(L.securityUpdateAction, r.securityUpdateAction);
  w.char(L.userDefinedInstrument, r.userDefinedInstrument);
  w.u8(L.tickRule, r.tickRule);
  if (version >= 3) {
    w.price(120, r.legPriceNano);
    w.price(128, r.legDeltaNano);
    w.u32(188, r.legInstrumentId ?? 0);
    w.i32(192, r.legRatioPriceNumerator ?? 0);
    w.i32(196, r.legRatioPriceDenominator ?? 0);
    w.i32(200, r.legRatioQtyNumerator ?? 0);
    w.i32(204, r.legRatioQtyDenominator ?? 0);
    w.u32(208, r.legUnderlyingId ?? 0);
    w.u16(220, r.legCount ?? 0);
    w.u16(222, r.legIndex ?? 0);
    w.cstr(416, SYMBOL_CSTR_LEN, r.legRawSymbol ?? "");
    w.char(501, r.legInstrumentClass ?? "");
    w.char(502, r.legSide ?? "");
    // Not decoded (no field in DefinitionRecord): Databento's defaults, i.e. "not provided".
    w.i32(136, UNDEF_I32); // inst_attrib_value
    w.i32(180, UNDEF_I32); // decay_quantity
    w.u16(216, 0xffff); // decay_start_date
    w.i8(499, 0x7f); // flow_schedule_type
  } else {
    w.price(L.tradingReferencePrice, r.tradingReferencePriceNano);
    w.u16(L.tradingReferenceDate, r.tradingReferenceDate ?? 0xffff);
    w.u8(L.mdSecurityTradingStatus, r.mdSecurityTradingStatus ?? 0xff);
    w.u8(L.settlPriceType, r.settlPriceType ?? 0xff);
  }
}

function schemaIdOf(schema: string | null): number {
  if (schema === null) return NULL_SCHEMA;
  const id = (SCHEMA_NAMES as readonly string[]).indexOf(schema);
  if (id >= 0) return id;
  const unknown = /^unknown-schema-(\d+)$/.exec(schema);
  if (unknown) return Number(unknown[1]);
  throw new RangeError(`unknown DBN schema "${schema}"`);
}

function stypeIdOf(stype: string | null): number {
  if (stype === null) return NULL_STYPE;
  const id = (STYPE_NAMES as readonly string[]).indexOf(stype);
  if (id >= 0) return id;
  const unknown = /^unknown-stype-(\d+)$/.exec(stype);
  if (unknown) return Number(unknown[1]);
  throw new RangeError(`unknown DBN symbology type "${stype}"`);
}

/** The bytes of a NUL-padded C string field (UTF-8); a RangeError when it does not fit. */
function cstrBytes(s: string, length: number): Uint8Array {
  const bytes = utf8.encode(s);
  if (bytes.length > length) throw new RangeError(`"${s.length > 40 ? `${s.slice(0, 40)}...` : s}" is longer than its ${length}-byte field`);
  return bytes;
}

/** Little-endian field writes relative to one record's start. */
class FieldWriter {
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly o: number,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u8(at: number, v: number): void {
    this.view.setUint8(this.o + at, v);
  }
  i8(at: number, v: number): void {
    this.view.setInt8(this.o + at, v);
  }
  u16(at: number, v: number): void {
    this.view.setUint16(this.o + at, v, true);
  }
  i16(at: number, v: number): void {
    this.view.setInt16(this.o + at, v, true);
  }
  u32(at: number, v: number): void {
    this.view.setUint32(this.o + at, v, true);
  }
  i32(at: number, v: number): void {
    this.view.setInt32(this.o + at, v, true);
  }
  u64(at: number, v: bigint): void {
    this.view.setBigUint64(this.o + at, v, true);
  }
  i64(at: number, v: bigint): void {
    this.view.setBigInt64(this.o + at, v, true);
  }
  price(at: number, v: bigint | null): void {
    this.i64(at, v ?? UNDEF_PRICE);
  }
  size(at: number, v: number | null): void {
    this.u32(at, v ?? UNDEF_SIZE);
  }
  /** A c_char: "" is NUL; otherwise one byte (0x01-0xFF). */
  char(at: number, c: string): void {
    if (c.length > 1 || (c.length === 1 && c.charCodeAt(0) > 0xff)) throw new RangeError(`"${c}" is not a one-byte character`);
    this.bytes[this.o + at] = c.length === 0 ? 0 : c.charCodeAt(0);
  }
  cstr(at: number, length: number, s: string): void {
    if (s.length > 0) this.bytes.set(cstrBytes(s, length), this.o + at);
  }
  levels(levels: readonly BidAskLevel[], count: number): void {
    for (let i = 0; i < count; i++) {
      const l = levels[i];
      if (!l) continue; // missing levels stay zero
      const at = 48 + i * 32;
      this.price(at, l.bidPxNano);
      this.price(at + 8, l.askPxNano);
      this.size(at + 16, l.bidSize);
      this.size(at + 20, l.askSize);
      this.size(at + 24, l.bidCount);
      this.size(at + 28, l.askCount);
    }
  }
}

/** Sequential little-endian writes into a growing buffer (the metadata). */
class GrowingWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  /** Reserves `n` bytes and returns their offset (may reallocate: read `buf`/`view` after it). */
  private room(n: number): number {
    if (this.length + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
      next.set(this.buf);
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  u8(v: number): void {
    const at = this.room(1);
    this.view.setUint8(at, v);
  }
  u16(v: number): void {
    const at = this.room(2);
    this.view.setUint16(at, v, true);
  }
  u32(v: number): void {
    const at = this.room(4);
    this.view.setUint32(at, v, true);
  }
  u64(v: bigint): void {
    const at = this.room(8);
    this.view.setBigUint64(at, v, true);
  }
  cstr(s: string, length: number): void {
    const bytes = cstrBytes(s, length);
    const at = this.room(length);
    this.buf.set(bytes, at);
  }
  zerosTo(length: number): void {
    if (length > this.length) this.room(length - this.length);
  }
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}
