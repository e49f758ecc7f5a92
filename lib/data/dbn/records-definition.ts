/**
 * Instrument definitions (rtype 0x13). The layout differs per DBN version: v1 360 bytes
 * (22-byte symbols, strike price near the end), v2 400 bytes (71-byte symbols, strike price moved
 * up), v3 520 bytes (u64 raw_instrument_id, 11-byte asset, leg fields, no trading reference
 * price/date, settlement price type or trading status). Offsets come from databento/dbn
 * `compat.rs` (InstrumentDefMsgV1, InstrumentDefMsgV2) and `record.rs` (v3 InstrumentDefMsg);
 * -1 marks a field that version does not have (decoded as null).
 *
 * Do not trust `minPriceIncrementAmountNano` for tick values (DOMAIN.md section 1).
 */
import { readChar, readCString } from "./bytes";
import { UNDEF_I32, UNDEF_TIMESTAMP } from "./enums";
import { price } from "./records-market";
import type { RecordBase } from "./record-header";

export interface DefinitionRecord extends RecordBase {
  kind: "definition";
  tsRecvNs: bigint;
  rawSymbol: string;
  /** F future, S spread, O/C options, ... (Databento InstrumentClass). */
  instrumentClass: string;
  securityUpdateAction: string;
  minPriceIncrementNano: bigint | null;
  displayFactor: bigint;
  expirationNs: bigint | null;
  activationNs: bigint | null;
  highLimitPriceNano: bigint | null;
  lowLimitPriceNano: bigint | null;
  maxPriceVariationNano: bigint | null;
  unitOfMeasureQtyNano: bigint | null;
  minPriceIncrementAmountNano: bigint | null;
  priceRatioNano: bigint | null;
  strikePriceNano: bigint | null;
  rawInstrumentId: bigint;
  underlyingId: number;
  marketDepthImplied: number;
  marketDepth: number;
  marketSegmentId: number;
  maxTradeVol: number;
  minLotSize: number;
  minLotSizeBlock: number;
  minLotSizeRoundLot: number;
  minTradeVol: number;
  /** null when undefined (i32::MAX). */
  contractMultiplier: number | null;
  contractMultiplierUnit: number;
  originalContractSize: number;
  applId: number;
  channelId: number;
  maturityYear: number;
  maturityMonth: number;
  maturityDay: number;
  maturityWeek: number;
  currency: string;
  settlCurrency: string;
  secsubtype: string;
  group: string;
  exchange: string;
  asset: string;
  cfi: string;
  securityType: string;
  unitOfMeasure: string;
  underlying: string;
  strikePriceCurrency: string;
  matchAlgorithm: string;
  mainFraction: number;
  priceDisplayFormat: number;
  subFraction: number;
  underlyingProduct: number;
  userDefinedInstrument: string;
  tickRule: number;
  /** v1/v2 only. */
  tradingReferencePriceNano: bigint | null;
  tradingReferenceDate: number | null;
  mdSecurityTradingStatus: number | null;
  settlPriceType: number | null;
  /** v3 only (null before): multi-leg strategy fields. */
  legCount: number | null;
  legIndex: number | null;
  legInstrumentId: number | null;
  legRawSymbol: string | null;
  legSide: string | null;
  legInstrumentClass: string | null;
  legPriceNano: bigint | null;
  legDeltaNano: bigint | null;
  legRatioPriceNumerator: number | null;
  legRatioPriceDenominator: number | null;
  legRatioQtyNumerator: number | null;
  legRatioQtyDenominator: number | null;
  legUnderlyingId: number | null;
}

interface Layout {
  length: number;
  symbolLen: number;
  assetLen: number;
  tradingReferencePrice: number; unitOfMeasureQty: number; minPriceIncrementAmount: number; priceRatio: number;
  strikePrice: number; rawInstrumentId: number; rawInstrumentIdIs64: boolean; underlyingId: number;
  marketDepthImplied: number; marketDepth: number; marketSegmentId: number; maxTradeVol: number; minLotSize: number;
  minLotSizeBlock: number; minLotSizeRoundLot: number; minTradeVol: number; contractMultiplier: number;
  originalContractSize: number; tradingReferenceDate: number; applId: number; maturityYear: number; channelId: number;
  currency: number; settlCurrency: number; secsubtype: number; rawSymbol: number; group: number; exchange: number;
  asset: number; cfi: number; securityType: number; unitOfMeasure: number; underlying: number;
  strikePriceCurrency: number; instrumentClass: number; matchAlgorithm: number; mdSecurityTradingStatus: number;
  mainFraction: number; priceDisplayFormat: number; settlPriceType: number; subFraction: number;
  underlyingProduct: number; securityUpdateAction: number; maturityMonth: number; maturityDay: number;
  maturityWeek: number; userDefinedInstrument: number; contractMultiplierUnit: number; tickRule: number;
}

// Fields before @80 are at the same offsets in every version: ts_recv 16, min_price_increment 24,
// display_factor 32, expiration 40, activation 48, high/low limit 56/64, max_price_variation 72.
const V1: Layout = {
  length: 360, symbolLen: 22, assetLen: 7,
  tradingReferencePrice: 80, unitOfMeasureQty: 88, minPriceIncrementAmount: 96, priceRatio: 104,
  strikePrice: 328, rawInstrumentId: 120, rawInstrumentIdIs64: false, underlyingId: 116,
  marketDepthImplied: 124, marketDepth: 128, marketSegmentId: 132, maxTradeVol: 136, minLotSize: 140,
  minLotSizeBlock: 144, minLotSizeRoundLot: 148, minTradeVol: 152, contractMultiplier: 160,
  originalContractSize: 168, tradingReferenceDate: 176, applId: 178, maturityYear: 180, channelId: 184,
  currency: 186, settlCurrency: 190, secsubtype: 194, rawSymbol: 200, group: 222, exchange: 243,
  asset: 248, cfi: 255, securityType: 262, unitOfMeasure: 269, underlying: 300,
  strikePriceCurrency: 321, instrumentClass: 325, matchAlgorithm: 342, mdSecurityTradingStatus: 343,
  mainFraction: 344, priceDisplayFormat: 345, settlPriceType: 346, subFraction: 347,
  underlyingProduct: 348, securityUpdateAction: 349, maturityMonth: 350, maturityDay: 351,
  maturityWeek: 352, userDefinedInstrument: 353, contractMultiplierUnit: 354, tickRule: 356,
};

const V2: Layout = {
  length: 400, symbolLen: 71, assetLen: 7,
  tradingReferencePrice: 80, unitOfMeasureQty: 88, minPriceIncrementAmount: 96, priceRatio: 104,
  strikePrice: 112, rawInstrumentId: 128, rawInstrumentIdIs64: false, underlyingId: 124,
  marketDepthImplied: 132, marketDepth: 136, marketSegmentId: 140, maxTradeVol: 144, minLotSize: 148,
  minLotSizeBlock: 152, minLotSizeRoundLot: 156, minTradeVol: 160, contractMultiplier: 164,
  originalContractSize: 172, tradingReferenceDate: 176, applId: 178, maturityYear: 180, channelId: 184,
  currency: 186, settlCurrency: 190, secsubtype: 194, rawSymbol: 200, group: 271, exchange: 292,
  asset: 297, cfi: 304, securityType: 311, unitOfMeasure: 318, underlying: 349,
  strikePriceCurrency: 370, instrumentClass: 374, matchAlgorithm: 375, mdSecurityTradingStatus: 376,
  mainFraction: 377, priceDisplayFormat: 378, settlPriceType: 379, subFraction: 380,
  underlyingProduct: 381, securityUpdateAction: 382, maturityMonth: 383, maturityDay: 384,
  maturityWeek: 385, userDefinedInstrument: 386, contractMultiplierUnit: 387, tickRule: 389,
};

const V3: Layout = {
  length: 520, symbolLen: 71, assetLen: 11,
  tradingReferencePrice: -1, unitOfMeasureQty: 80, minPriceIncrementAmount: 88, priceRatio: 96,
  strikePrice: 104, rawInstrumentId: 112, rawInstrumentIdIs64: true, underlyingId: 140,
  marketDepthImplied: 144, marketDepth: 148, marketSegmentId: 152, maxTradeVol: 156, minLotSize: 160,
  minLotSizeBlock: 164, minLotSizeRoundLot: 168, minTradeVol: 172, contractMultiplier: 176,
  originalContractSize: 184, tradingReferenceDate: -1, applId: 212, maturityYear: 214, channelId: 218,
  currency: 224, settlCurrency: 228, secsubtype: 232, rawSymbol: 238, group: 309, exchange: 330,
  asset: 335, cfi: 346, securityType: 353, unitOfMeasure: 360, underlying: 391,
  strikePriceCurrency: 412, instrumentClass: 487, matchAlgorithm: 488, mdSecurityTradingStatus: -1,
  mainFraction: 489, priceDisplayFormat: 490, settlPriceType: -1, subFraction: 491,
  underlyingProduct: 492, securityUpdateAction: 493, maturityMonth: 494, maturityDay: 495,
  maturityWeek: 496, userDefinedInstrument: 497, contractMultiplierUnit: 498, tickRule: 500,
};

/** Record length of a definition in DBN `version` (without ts_out). */
export function definitionLength(version: number): number {
  return layoutFor(version).length;
}

function layoutFor(version: number): Layout {
  return version === 1 ? V1 : version === 2 ? V2 : V3;
}

export function decodeDefinition(bytes: Uint8Array, view: DataView, o: number, base: RecordBase, version: number): DefinitionRecord {
  const L = layoutFor(version);
  const u8 = (at: number) => (at < 0 ? null : bytes[o + at]);
  const u16 = (at: number) => view.getUint16(o + at, true);
  const u32 = (at: number) => view.getUint32(o + at, true);
  const i32 = (at: number) => view.getInt32(o + at, true);
  const str = (at: number, len: number) => readCString(bytes, o + at, len);
  const ts = (at: number) => {
    const t = view.getBigUint64(o + at, true);
    return t === UNDEF_TIMESTAMP ? null : t;
  };
  const multiplier = i32(L.contractMultiplier);
  const v3 = version >= 3;
  return {
    kind: "definition",
    ...base,
    tsRecvNs: view.getBigUint64(o + 16, true),
    rawSymbol: str(L.rawSymbol, L.symbolLen),
    instrumentClass: readChar(bytes, o + L.instrumentClass),
    securityUpdateAction: readChar(bytes, o + L.securityUpdateAction),
    minPriceIncrementNano: price(view, o + 24),
    displayFactor: view.getBigInt64(o + 32, true),
    expirationNs: ts(40),
    activationNs: ts(48),
    highLimitPriceNano: price(view, o + 56),
    lowLimitPriceNano: price(view, o + 64),
    maxPriceVariationNano: price(view, o + 72),
    unitOfMeasureQtyNano: price(view, o + L.unitOfMeasureQty),
    minPriceIncrementAmountNano: price(view, o + L.minPriceIncrementAmount),
    priceRatioNano: price(view, o + L.priceRatio),
    strikePriceNano: price(view, o + L.strikePrice),
    rawInstrumentId: L.rawInstrumentIdIs64 ? view.getBigUint64(o + L.rawInstrumentId, true) : BigInt(u32(L.rawInstrumentId)),
    underlyingId: u32(L.underlyingId),
    marketDepthImplied: i32(L.marketDepthImplied),
    marketDepth: i32(L.marketDepth),
    marketSegmentId: u32(L.marketSegmentId),
    maxTradeVol: u32(L.maxTradeVol),
    minLotSize: i32(L.minLotSize),
    minLotSizeBlock: i32(L.minLotSizeBlock),
    minLotSizeRoundLot: i32(L.minLotSizeRoundLot),
    minTradeVol: u32(L.minTradeVol),
    contractMultiplier: multiplier === UNDEF_I32 ? null : multiplier,
    contractMultiplierUnit: view.getInt8(o + L.contractMultiplierUnit),
    originalContractSize: i32(L.originalContractSize),
    applId: view.getInt16(o + L.applId, true),
    channelId: u16(L.channelId),
    maturityYear: u16(L.maturityYear),
    maturityMonth: bytes[o + L.maturityMonth],
    maturityDay: bytes[o + L.maturityDay],
    maturityWeek: bytes[o + L.maturityWeek],
    currency: str(L.currency, 4),
    settlCurrency: str(L.settlCurrency, 4),
    secsubtype: str(L.secsubtype, 6),
    group: str(L.group, 21),
    exchange: str(L.exchange, 5),
    asset: str(L.asset, L.assetLen),
    cfi: str(L.cfi, 7),
    securityType: str(L.securityType, 7),
    unitOfMeasure: str(L.unitOfMeasure, 31),
    underlying: str(L.underlying, 21),
    strikePriceCurrency: str(L.strikePriceCurrency, 4),
    matchAlgorithm: readChar(bytes, o + L.matchAlgorithm),
    mainFraction: bytes[o + L.mainFraction],
    priceDisplayFormat: bytes[o + L.priceDisplayFormat],
    subFraction: bytes[o + L.subFraction],
    underlyingProduct: bytes[o + L.underlyingProduct],
    userDefinedInstrument: readChar(bytes, o + L.userDefinedInstrument),
    tickRule: bytes[o + L.tickRule],
    tradingReferencePriceNano: L.tradingReferencePrice < 0 ? null : price(view, o + L.tradingReferencePrice),
    tradingReferenceDate: L.tradingReferenceDate < 0 ? null : u16(L.tradingReferenceDate),
    mdSecurityTradingStatus: u8(L.mdSecurityTradingStatus),
    settlPriceType: u8(L.settlPriceType),
    legCount: v3 ? u16(220) : null,
    legIndex: v3 ? u16(222) : null,
    legInstrumentId: v3 ? u32(188) : null,
    legRawSymbol: v3 ? str(416, 71) : null,
    legSide: v3 ? readChar(bytes, o + 502) : null,
    legInstrumentClass: v3 ? readChar(bytes, o + 501) : null,
    legPriceNano: v3 ? price(view, o + 120) : null,
    legDeltaNano: v3 ? price(view, o + 128) : null,
    legRatioPriceNumerator: v3 ? i32(192) : null,
    legRatioPriceDenominator: v3 ? i32(196) : null,
    legRatioQtyNumerator: v3 ? i32(200) : null,
    legRatioQtyDenominator: v3 ? i32(204) : null,
    legUnderlyingId: v3 ? u32(208) : null,
  };
}

/** The byte offsets of a definition in DBN `version` (-1: absent), shared with the encoder (encoder.ts). */
export type DefinitionLayout = Readonly<Layout>;
export function definitionLayout(version: number): DefinitionLayout {
  return layoutFor(version);
}
