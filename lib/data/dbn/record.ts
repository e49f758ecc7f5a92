/**
 * rtype dispatch for the per-record object API. Returns null for record types this decoder does
 * not know (the caller counts them); throws when a known record is too short for its layout.
 */
import { RTYPE } from "./enums";
import { readRecordBase, requireLength, type RecordContext, type RecordLocation } from "./record-header";
import { decodeDefinition, definitionLength, type DefinitionRecord } from "./records-definition";
import {
  BBO_LEN, decodeBbo, decodeMbo, decodeMbp1, decodeMbp10, decodeOhlcv, decodeTrade, MBO_LEN, MBP1_LEN, MBP10_LEN, OHLCV_LEN, TRADE_LEN,
  type BboRecord, type MboRecord, type Mbp10Record, type Mbp1Record, type OhlcvRecord, type TradeRecord,
} from "./records-market";
import {
  decodeError, decodeStatistics, decodeStatus, decodeSymbolMapping, decodeSystem, STATISTICS_LEN_V1, STATISTICS_LEN_V3, STATUS_LEN,
  SYMBOL_MAPPING_LEN_V1, SYMBOL_MAPPING_LEN_V2, TEXT_RECORD_LEN_V1, TEXT_RECORD_LEN_V2,
  type ErrorRecord, type StatisticsRecord, type StatusRecord, type SymbolMappingRecord, type SystemRecord,
} from "./records-other";

export type DbnRecord =
  | TradeRecord
  | Mbp1Record
  | Mbp10Record
  | BboRecord
  | MboRecord
  | OhlcvRecord
  | StatusRecord
  | DefinitionRecord
  | StatisticsRecord
  | SymbolMappingRecord
  | ErrorRecord
  | SystemRecord;

export type DbnRecordKind = DbnRecord["kind"];

export function decodeRecordAt(
  bytes: Uint8Array,
  view: DataView,
  o: number,
  length: number,
  ctx: RecordContext,
  at: RecordLocation,
): DbnRecord | null {
  const rtype = bytes[o + 1];
  const layout = layoutOf(rtype, ctx.version);
  if (!layout) return null;
  requireLength(length, layout.length, layout.name, at, ctx.tsOut);
  const base = readRecordBase(view, o, length, ctx.tsOut);
  switch (rtype) {
    case RTYPE.MBP_0:
      return decodeTrade(bytes, view, o, base);
    case RTYPE.MBP_1:
      return decodeMbp1(bytes, view, o, base);
    case RTYPE.MBP_10:
      return decodeMbp10(bytes, view, o, base);
    case RTYPE.BBO_1S:
    case RTYPE.BBO_1M:
      return decodeBbo(bytes, view, o, base);
    case RTYPE.MBO:
      return decodeMbo(bytes, view, o, base);
    case RTYPE.STATUS:
      return decodeStatus(bytes, view, o, base);
    case RTYPE.INSTRUMENT_DEF:
      return decodeDefinition(bytes, view, o, base, ctx.version);
    case RTYPE.STATISTICS:
      return decodeStatistics(bytes, view, o, base, ctx.version);
    case RTYPE.SYMBOL_MAPPING:
      return decodeSymbolMapping(bytes, view, o, base, ctx.version);
    case RTYPE.ERROR:
      return decodeError(bytes, o, base, ctx.version);
    case RTYPE.SYSTEM:
      return decodeSystem(bytes, o, base, ctx.version);
    default:
      return decodeOhlcv(view, o, base); // the OHLCV rtypes, the only others with a layout
  }
}

interface Layout {
  name: string;
  length: number;
}

const FIXED_LAYOUTS = new Map<number, Layout>([
  [RTYPE.MBP_0, { name: "trade", length: TRADE_LEN }],
  [RTYPE.MBP_1, { name: "mbp-1", length: MBP1_LEN }],
  [RTYPE.MBP_10, { name: "mbp-10", length: MBP10_LEN }],
  [RTYPE.BBO_1S, { name: "bbo-1s", length: BBO_LEN }],
  [RTYPE.BBO_1M, { name: "bbo-1m", length: BBO_LEN }],
  [RTYPE.MBO, { name: "mbo", length: MBO_LEN }],
  [RTYPE.STATUS, { name: "status", length: STATUS_LEN }],
  ...[RTYPE.OHLCV_DEPRECATED, RTYPE.OHLCV_1S, RTYPE.OHLCV_1M, RTYPE.OHLCV_1H, RTYPE.OHLCV_1D, RTYPE.OHLCV_EOD].map(
    (rtype): [number, Layout] => [rtype, { name: "ohlcv", length: OHLCV_LEN }],
  ),
]);

/** True for the record types `decodeRecordAt` decodes (the others are stepped over and counted). */
export function isDecodedRtype(rtype: number): boolean {
  return layoutOf(rtype, 3) !== undefined;
}

/** Name and minimum length of a known rtype's layout in DBN `version`, undefined when unknown. */
function layoutOf(rtype: number, version: number): Layout | undefined {
  const v1 = version === 1;
  switch (rtype) {
    case RTYPE.INSTRUMENT_DEF:
      return { name: `definition v${version}`, length: definitionLength(version) };
    case RTYPE.STATISTICS:
      return { name: "statistics", length: version >= 3 ? STATISTICS_LEN_V3 : STATISTICS_LEN_V1 };
    case RTYPE.SYMBOL_MAPPING:
      return { name: "symbol mapping", length: v1 ? SYMBOL_MAPPING_LEN_V1 : SYMBOL_MAPPING_LEN_V2 };
    case RTYPE.ERROR:
      return { name: "error", length: v1 ? TEXT_RECORD_LEN_V1 : TEXT_RECORD_LEN_V2 };
    case RTYPE.SYSTEM:
      return { name: "system", length: v1 ? TEXT_RECORD_LEN_V1 : TEXT_RECORD_LEN_V2 };
    default:
      return FIXED_LAYOUTS.get(rtype);
  }
}
