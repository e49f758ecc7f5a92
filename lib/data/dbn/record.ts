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
  const check = (layout: number, name: string) => requireLength(length, layout, name, at, ctx.tsOut);
  const base = () => readRecordBase(view, o, length, ctx.tsOut);
  const v1 = ctx.version === 1;
  switch (rtype) {
    case RTYPE.MBP_0:
      check(TRADE_LEN, "trade");
      return decodeTrade(bytes, view, o, base());
    case RTYPE.MBP_1:
      check(MBP1_LEN, "mbp-1");
      return decodeMbp1(bytes, view, o, base());
    case RTYPE.MBP_10:
      check(MBP10_LEN, "mbp-10");
      return decodeMbp10(bytes, view, o, base());
    case RTYPE.BBO_1S:
    case RTYPE.BBO_1M:
      check(BBO_LEN, "bbo");
      return decodeBbo(bytes, view, o, base());
    case RTYPE.MBO:
      check(MBO_LEN, "mbo");
      return decodeMbo(bytes, view, o, base());
    case RTYPE.OHLCV_DEPRECATED:
    case RTYPE.OHLCV_1S:
    case RTYPE.OHLCV_1M:
    case RTYPE.OHLCV_1H:
    case RTYPE.OHLCV_1D:
    case RTYPE.OHLCV_EOD:
      check(OHLCV_LEN, "ohlcv");
      return decodeOhlcv(view, o, base());
    case RTYPE.STATUS:
      check(STATUS_LEN, "status");
      return decodeStatus(bytes, view, o, base());
    case RTYPE.INSTRUMENT_DEF:
      check(definitionLength(ctx.version), `definition v${ctx.version}`);
      return decodeDefinition(bytes, view, o, base(), ctx.version);
    case RTYPE.STATISTICS:
      check(ctx.version >= 3 ? STATISTICS_LEN_V3 : STATISTICS_LEN_V1, "statistics");
      return decodeStatistics(bytes, view, o, base(), ctx.version);
    case RTYPE.SYMBOL_MAPPING:
      check(v1 ? SYMBOL_MAPPING_LEN_V1 : SYMBOL_MAPPING_LEN_V2, "symbol mapping");
      return decodeSymbolMapping(bytes, view, o, base(), ctx.version);
    case RTYPE.ERROR:
      check(v1 ? TEXT_RECORD_LEN_V1 : TEXT_RECORD_LEN_V2, "error");
      return decodeError(bytes, o, base(), ctx.version);
    case RTYPE.SYSTEM:
      check(v1 ? TEXT_RECORD_LEN_V1 : TEXT_RECORD_LEN_V2, "system");
      return decodeSystem(bytes, o, base(), ctx.version);
    default:
      return null;
  }
}
