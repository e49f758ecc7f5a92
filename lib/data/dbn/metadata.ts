/**
 * DBN metadata, versions 1-3 (DOMAIN.md section 4; layout from databento/dbn
 * `decode/dbn/sync.rs` MetadataDecoder). The stream starts with "DBN", a version byte and a u32
 * length; records start at byte 8 + length (v3 pads the metadata to a multiple of 8).
 *
 * Fixed part (offsets inside the metadata, i.e. after the 8-byte prelude):
 *   0 dataset char[16] | 16 schema u16 | 18 start u64 | 26 end u64 | 34 limit u64 |
 *   v1: 42 record_count u64, 50 stype_in, 51 stype_out, 52 ts_out, reserved to 100 |
 *   v2/v3: 42 stype_in, 43 stype_out, 44 ts_out, 45 symbol_cstr_len u16, reserved to 100 |
 *   100 schema_definition_length u32 (must be 0), then the variable part: symbols, partial and
 *   not_found (u32 count + count strings of symbol_cstr_len bytes each) and mappings (u32 count;
 *   each: raw symbol, u32 interval count, intervals of u32 start date, u32 end date (YYYYMMDD),
 *   mapped symbol). v1 strings are 22 bytes.
 */
import { readCString } from "./bytes";
import { dbnError } from "./dbn-error";
import { schemaName, stypeName, UNDEF_TIMESTAMP } from "./enums";

export const PRELUDE_LEN = 8;
export const METADATA_FIXED_LEN = 100;
export const SYMBOL_CSTR_LEN_V1 = 22;
export const SUPPORTED_VERSIONS = [1, 2, 3] as const;
const ZSTD_MAGIC_LE = [0x28, 0xb5, 0x2f, 0xfd];

/** One mapping interval. Dates are YYYYMMDD integers (UTC); `startDate` inclusive, `endDate` exclusive. */
export interface MappingInterval {
  startDate: number;
  endDate: number;
  /** The stype_out symbol: for CME usually the instrument id as text. */
  symbol: string;
}

export interface SymbolMapping {
  /** The stype_in symbol as requested, e.g. "ESH4" or "ES.c.0". */
  rawSymbol: string;
  intervals: MappingInterval[];
}

export interface DbnMetadata {
  version: number;
  dataset: string;
  /** Schema name ("mbo", "trades"...) or null for a mixed-schema stream. */
  schema: string | null;
  schemaId: number;
  startNs: bigint;
  /** null when undefined (u64::MAX). */
  endNs: bigint | null;
  /** null when there was no limit (0). */
  limit: bigint | null;
  /** v1 only, and often unknown (u64::MAX -> null): never trust it, read to the end of the stream. */
  recordCount: bigint | null;
  stypeIn: string | null;
  stypeOut: string | null;
  /** Every record carries a trailing u64 ts_out (live gateway send time). */
  tsOut: boolean;
  symbolCstrLen: number;
  symbols: string[];
  partial: string[];
  notFound: string[];
  mappings: SymbolMapping[];
  /** Byte offset of the first record (8 + metadata length). */
  recordsOffset: number;
}

export interface MetadataPrelude {
  version: number;
  /** Length of the metadata after the 8-byte prelude. */
  length: number;
}

/**
 * Validates the prelude as far as `available` bytes allow (the magic is checked from the very
 * first byte). Returns null when fewer than 8 bytes are available.
 */
export function readPrelude(bytes: Uint8Array, offset: number, available: number): MetadataPrelude | null {
  const magic = [0x44, 0x42, 0x4e]; // "DBN"
  for (let i = 0; i < Math.min(3, available); i++) {
    if (bytes[offset + i] !== magic[i]) {
      const zstd = available >= 4 && ZSTD_MAGIC_LE.every((b, j) => bytes[offset + j] === b);
      throw dbnError(
        zstd
          ? "the input is zstd-compressed; decompress it first (decodeDbn and the dbn-file helpers do this for you)"
          : `wrong magic at byte offset ${i}: expected "DBN" at the start of the stream`,
      );
    }
  }
  if (available < PRELUDE_LEN) return null;
  const version = bytes[offset + 3];
  if (version < 1 || version > 3) throw dbnError(`unsupported DBN version ${version} at byte offset 3 (supported: 1, 2, 3)`);
  const length = (bytes[offset + 4] | (bytes[offset + 5] << 8) | (bytes[offset + 6] << 16) | (bytes[offset + 7] << 24)) >>> 0;
  if (length < METADATA_FIXED_LEN) {
    throw dbnError(`metadata length ${length} at byte offset 4 is shorter than the fixed part (${METADATA_FIXED_LEN} bytes)`);
  }
  return { version, length };
}

/** Parses the metadata body; `bytes[offset]` is the first byte after the prelude. */
export function parseMetadata(bytes: Uint8Array, offset: number, prelude: MetadataPrelude): DbnMetadata {
  const { version, length } = prelude;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, length);
  const m = new MetadataReader(bytes, offset, length);
  const dataset = readCString(bytes, offset, 16);
  const schemaId = view.getUint16(16, true);
  const startNs = view.getBigUint64(18, true);
  const end = view.getBigUint64(26, true);
  const limit = view.getBigUint64(34, true);
  let pos = 42;
  let recordCount: bigint | null = null;
  if (version === 1) {
    const count = view.getBigUint64(pos, true);
    recordCount = count === UNDEF_TIMESTAMP ? null : count;
    pos += 8;
  }
  const stypeIn = stypeName(view.getUint8(pos));
  const stypeOut = stypeName(view.getUint8(pos + 1));
  const tsOut = view.getUint8(pos + 2) !== 0;
  pos += 3;
  let symbolCstrLen = SYMBOL_CSTR_LEN_V1;
  if (version >= 2) {
    symbolCstrLen = view.getUint16(pos, true);
    if (symbolCstrLen === 0) throw dbnError(`symbol string length 0 in the metadata at byte offset ${PRELUDE_LEN + pos}`);
  }
  const schemaDefinitionLength = view.getUint32(METADATA_FIXED_LEN, true);
  if (schemaDefinitionLength !== 0) {
    throw dbnError(`metadata declares a schema definition (${schemaDefinitionLength} bytes), which DBN ${version} readers do not support`);
  }
  m.pos = METADATA_FIXED_LEN + 4;
  const symbols = m.symbolList(symbolCstrLen, "symbols");
  const partial = m.symbolList(symbolCstrLen, "partial");
  const notFound = m.symbolList(symbolCstrLen, "not_found");
  const mappings = m.mappings(symbolCstrLen);
  return {
    version,
    dataset,
    schema: schemaName(schemaId),
    schemaId,
    startNs,
    endNs: end === UNDEF_TIMESTAMP ? null : end,
    limit: limit === 0n ? null : limit,
    recordCount,
    stypeIn,
    stypeOut,
    tsOut,
    symbolCstrLen,
    symbols,
    partial,
    notFound,
    mappings,
    recordsOffset: PRELUDE_LEN + length,
  };
}

/** Bounds-checked cursor over the variable part of the metadata. */
class MetadataReader {
  pos = 0;
  constructor(
    private readonly bytes: Uint8Array,
    private readonly offset: number,
    private readonly length: number,
  ) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.length) {
      throw dbnError(
        `metadata too short: ${what} needs ${n} bytes at byte offset ${PRELUDE_LEN + this.pos} but the metadata ends at ${PRELUDE_LEN + this.length}`,
      );
    }
  }

  u32(what: string): number {
    this.need(4, what);
    const b = this.bytes;
    const o = this.offset + this.pos;
    this.pos += 4;
    return (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
  }

  symbol(len: number, what: string): string {
    this.need(len, what);
    const s = readCString(this.bytes, this.offset + this.pos, len);
    this.pos += len;
    return s;
  }

  symbolList(len: number, what: string): string[] {
    const count = this.u32(`${what} count`);
    this.need(count * len, `${what} list (${count} symbols)`);
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(this.symbol(len, what));
    return out;
  }

  mappings(len: number): SymbolMapping[] {
    const count = this.u32("mappings count");
    const out: SymbolMapping[] = [];
    for (let i = 0; i < count; i++) {
      const rawSymbol = this.symbol(len, `mapping ${i} raw symbol`);
      const intervalCount = this.u32(`mapping ${i} interval count`);
      this.need(intervalCount * (8 + len), `mapping ${i} (${intervalCount} intervals)`);
      const intervals: MappingInterval[] = [];
      for (let j = 0; j < intervalCount; j++) {
        const at = PRELUDE_LEN + this.pos;
        const startDate = this.u32("interval start date");
        const endDate = this.u32("interval end date");
        if (!isYyyymmdd(startDate) || !isYyyymmdd(endDate)) {
          throw dbnError(`mapping ${i} interval ${j} at byte offset ${at} has an invalid date (${startDate} - ${endDate}), expected YYYYMMDD`);
        }
        intervals.push({ startDate, endDate, symbol: this.symbol(len, "interval symbol") });
      }
      out.push({ rawSymbol, intervals });
    }
    return out;
  }
}

function isYyyymmdd(d: number): boolean {
  const month = Math.floor(d / 100) % 100;
  const day = d % 100;
  return d >= 1000_01_01 && d <= 9999_12_31 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
