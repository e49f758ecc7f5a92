/**
 * Databento DBN decoding (versions 1-3): a pure incremental core (`DbnDecoder`), a per-record
 * object API (`decodeDbn`, `decodeDbnSync`), columnar fast paths for trades and MBO
 * (`decodeTradeColumns`, `decodeMboColumns`) and a thin file edge (`dbn-file.ts`).
 */
export { decodeMboColumns, MboColumnStream } from "./columnar-mbo";
export { decodeTradeColumns, TradeColumnStream, type RejectedTrade, type RejectReason, type TradeBatch, type TradeColumnOptions } from "./columnar-trades";
export { DEFAULT_BATCH_SIZE, type ColumnarOptions } from "./column-stream";
export { decodeDbn, decodeDbnSync, readDbnMetadata, DbnRecordStream, type DecodedDbn } from "./decode";
export { DbnDecoder, type DecodeStats } from "./decoder";
export { RTYPE, SCHEMA_NAMES, STYPE_NAMES, UNDEF_PRICE, UNDEF_SIZE, UNDEF_TIMESTAMP } from "./enums";
export type { DbnMetadata, MappingInterval, SymbolMapping } from "./metadata";
export type { DbnRecord, DbnRecordKind } from "./record";
export type { RecordBase } from "./record-header";
export type { DefinitionRecord } from "./records-definition";
export type { BboRecord, BidAskLevel, MboRecord, Mbp10Record, Mbp1Record, OhlcvRecord, TradeRecord } from "./records-market";
export type { ErrorRecord, StatisticsRecord, StatusRecord, SymbolMappingRecord, SystemRecord } from "./records-other";
export { dbnChunks, dbnChunksSync, type DbnSource, type DbnSyncSource, type SourceOptions } from "./source";
export { SymbolMap, utcDateOf } from "./symbol-map";
export { startsWithZstd, zstdDecompress, ZSTD_MAGIC } from "./zstd";
