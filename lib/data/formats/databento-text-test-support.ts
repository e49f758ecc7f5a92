/**
 * Test helper (not used by production code): renders decoded DBN records the way Databento's CSV
 * and JSON encoders write them (databento/dbn `encode/csv`, `encode/json`: column names and order
 * from `record.rs`'s encode order; raw or `pretty_ts`/`pretty_px`; `map_symbols` adds a `symbol`
 * column/field; the JSON encoder may write the metadata as its first line). Written independently
 * of the transcoder (databento-records.ts) so that each checks the other.
 */
import type { DbnMetadata } from "../dbn/metadata";
import type { DbnRecord } from "../dbn/record";
import { SymbolMap, utcDateOf } from "../dbn/symbol-map";

const UNDEF_TS = 0xffff_ffff_ffff_ffffn;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;

type Kind = "ts" | "px" | "int" | "big" | "char" | "str";
type Field = [name: string, kind: Kind, value: unknown];

export interface RenderOptions {
  pretty: boolean;
  /** Add the `symbol` of each record (from the metadata's mappings), as map_symbols does. */
  symbols: boolean;
  /** JSON only: the metadata object as the first line. */
  metadata?: boolean;
}

function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  return `${new Date(Number(ms)).toISOString().slice(0, 19)}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}

function prettyPx(nano: bigint): string {
  const sign = nano < 0n ? "-" : "";
  const abs = nano < 0n ? -nano : nano;
  return `${sign}${abs / 1_000_000_000n}.${(abs % 1_000_000_000n).toString().padStart(9, "0")}`;
}

/** The fields of one record in Databento's order (record header right after ts_recv). */
function fields(r: DbnRecord): Field[] {
  const hd: Field[] = [["ts_event", "ts", r.tsEventNs], ["rtype", "int", r.rtype], ["publisher_id", "int", r.publisherId], ["instrument_id", "int", r.instrumentId]];
  const u32 = (v: number | null) => v ?? 0xffff_ffff;
  const levels = (ls: Array<{ bidPxNano: bigint | null; askPxNano: bigint | null; bidSize: number | null; askSize: number | null; bidCount: number | null; askCount: number | null }>): Field[] =>
    ls.flatMap((l, i) => {
      const n = String(i).padStart(2, "0");
      return [[`bid_px_${n}`, "px", l.bidPxNano], [`ask_px_${n}`, "px", l.askPxNano], [`bid_sz_${n}`, "int", u32(l.bidSize)], [`ask_sz_${n}`, "int", u32(l.askSize)], [`bid_ct_${n}`, "int", u32(l.bidCount)], [`ask_ct_${n}`, "int", u32(l.askCount)]] as Field[];
    });
  switch (r.kind) {
    case "trade":
    case "mbp-1":
    case "mbp-10":
      return [
        ["ts_recv", "ts", r.tsRecvNs], ...hd, ["action", "char", r.action], ["side", "char", r.side], ["depth", "int", r.depth], ["price", "px", r.priceNano],
        ["size", "int", u32(r.size)], ["flags", "int", r.flags], ["ts_in_delta", "int", r.tsInDelta], ["sequence", "int", r.sequence],
        ...(r.kind === "trade" ? [] : levels(r.levels)),
      ];
    case "bbo":
      return [["ts_recv", "ts", r.tsRecvNs], ...hd, ["side", "char", r.side], ["price", "px", r.priceNano], ["size", "int", u32(r.size)], ["flags", "int", r.flags], ["sequence", "int", r.sequence], ...levels(r.levels)];
    case "mbo":
      return [
        ["ts_recv", "ts", r.tsRecvNs], ...hd, ["action", "char", r.action], ["side", "char", r.side], ["price", "px", r.priceNano], ["size", "int", u32(r.size)],
        ["channel_id", "int", r.channelId], ["order_id", "big", r.orderId], ["flags", "int", r.flags], ["ts_in_delta", "int", r.tsInDelta], ["sequence", "int", r.sequence],
      ];
    case "ohlcv":
      return [...hd, ["open", "px", r.openNano], ["high", "px", r.highNano], ["low", "px", r.lowNano], ["close", "px", r.closeNano], ["volume", "big", r.volume]];
    case "status":
      return [
        ["ts_recv", "ts", r.tsRecvNs], ...hd, ["action", "int", r.action], ["reason", "int", r.reason], ["trading_event", "int", r.tradingEvent],
        ["is_trading", "char", r.isTrading], ["is_quoting", "char", r.isQuoting], ["is_short_sell_restricted", "char", r.isShortSellRestricted],
      ];
    case "statistics":
      return [
        ["ts_recv", "ts", r.tsRecvNs], ...hd, ["ts_ref", "ts", r.tsRefNs ?? UNDEF_TS], ["price", "px", r.priceNano], ["quantity", "big", r.quantity ?? I64_MAX],
        ["sequence", "int", r.sequence], ["ts_in_delta", "int", r.tsInDelta], ["stat_type", "int", r.statType], ["channel_id", "int", r.channelId],
        ["update_action", "int", r.updateAction], ["stat_flags", "int", r.statFlags],
      ];
    case "definition": {
      const v3 = r.legCount !== null;
      return [
        ["ts_recv", "ts", r.tsRecvNs], ...hd, ["raw_symbol", "str", r.rawSymbol], ["security_update_action", "char", r.securityUpdateAction], ["instrument_class", "char", r.instrumentClass],
        ["min_price_increment", "px", r.minPriceIncrementNano], ["display_factor", v3 ? "px" : "big", r.displayFactor], ["expiration", "ts", r.expirationNs ?? UNDEF_TS],
        ["activation", "ts", r.activationNs ?? UNDEF_TS], ["high_limit_price", "px", r.highLimitPriceNano], ["low_limit_price", "px", r.lowLimitPriceNano],
        ["max_price_variation", "px", r.maxPriceVariationNano],
        ...(v3 ? [] : ([["trading_reference_price", "px", r.tradingReferencePriceNano]] as Field[])),
        ["unit_of_measure_qty", "px", r.unitOfMeasureQtyNano], ["min_price_increment_amount", "px", r.minPriceIncrementAmountNano], ["price_ratio", "px", r.priceRatioNano],
        ["inst_attrib_value", "int", 0x7fff_ffff], ["underlying_id", "int", r.underlyingId], ["raw_instrument_id", "big", r.rawInstrumentId],
        ["market_depth_implied", "int", r.marketDepthImplied], ["market_depth", "int", r.marketDepth], ["market_segment_id", "int", r.marketSegmentId],
        ["max_trade_vol", "int", r.maxTradeVol], ["min_lot_size", "int", r.minLotSize], ["min_lot_size_block", "int", r.minLotSizeBlock],
        ["min_lot_size_round_lot", "int", r.minLotSizeRoundLot], ["min_trade_vol", "int", r.minTradeVol], ["contract_multiplier", "int", r.contractMultiplier ?? 0x7fff_ffff],
        ["decay_quantity", "int", 0x7fff_ffff], ["original_contract_size", "int", r.originalContractSize],
        ...(v3 ? [] : ([["trading_reference_date", "int", r.tradingReferenceDate]] as Field[])),
        ["appl_id", "int", r.applId], ["maturity_year", "int", r.maturityYear], ["decay_start_date", "int", 0xffff], ["channel_id", "int", r.channelId],
        ["currency", "str", r.currency], ["settl_currency", "str", r.settlCurrency], ["secsubtype", "str", r.secsubtype], ["group", "str", r.group],
        ["exchange", "str", r.exchange], ["asset", "str", r.asset], ["cfi", "str", r.cfi], ["security_type", "str", r.securityType],
        ["unit_of_measure", "str", r.unitOfMeasure], ["underlying", "str", r.underlying], ["strike_price_currency", "str", r.strikePriceCurrency],
        ["match_algorithm", "char", r.matchAlgorithm],
        ...(v3 ? [] : ([["md_security_trading_status", "int", r.mdSecurityTradingStatus]] as Field[])),
        ["main_fraction", "int", r.mainFraction], ["price_display_format", "int", r.priceDisplayFormat],
        ...(v3 ? [] : ([["settl_price_type", "int", r.settlPriceType]] as Field[])),
        ["sub_fraction", "int", r.subFraction], ["underlying_product", "int", r.underlyingProduct], ["maturity_month", "int", r.maturityMonth],
        ["maturity_day", "int", r.maturityDay], ["maturity_week", "int", r.maturityWeek], ["user_defined_instrument", "char", r.userDefinedInstrument],
        ["contract_multiplier_unit", "int", r.contractMultiplierUnit], ["flow_schedule_type", "int", 0x7f], ["tick_rule", "int", r.tickRule],
        ["strike_price", "px", r.strikePriceNano],
        ...(v3
          ? ([
              ["leg_count", "int", r.legCount], ["leg_index", "int", r.legIndex], ["leg_instrument_id", "int", r.legInstrumentId], ["leg_raw_symbol", "str", r.legRawSymbol],
              ["leg_instrument_class", "char", r.legInstrumentClass], ["leg_side", "char", r.legSide], ["leg_price", "px", r.legPriceNano], ["leg_delta", "px", r.legDeltaNano],
              ["leg_ratio_price_numerator", "int", r.legRatioPriceNumerator], ["leg_ratio_price_denominator", "int", r.legRatioPriceDenominator],
              ["leg_ratio_qty_numerator", "int", r.legRatioQtyNumerator], ["leg_ratio_qty_denominator", "int", r.legRatioQtyDenominator],
              ["leg_underlying_id", "int", r.legUnderlyingId],
            ] as Field[])
          : []),
      ];
    }
    default:
      throw new Error(`no text encoding for ${r.kind} records in this helper`);
  }
}

function csvValue(kind: Kind, v: unknown, pretty: boolean): string {
  switch (kind) {
    case "ts":
      return pretty ? (v === 0n || v === UNDEF_TS ? "" : isoNs(v as bigint)) : String(v);
    case "px":
      return v === null ? (pretty ? "" : I64_MAX.toString()) : pretty ? prettyPx(v as bigint) : String(v);
    case "str": {
      const s = v as string;
      return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
    }
    default:
      return String(v);
  }
}

function jsonValue(kind: Kind, v: unknown, pretty: boolean): unknown {
  switch (kind) {
    case "ts":
      return pretty ? (v === 0n || v === UNDEF_TS ? null : isoNs(v as bigint)) : String(v);
    case "px":
      return v === null ? (pretty ? null : I64_MAX.toString()) : pretty ? prettyPx(v as bigint) : String(v);
    case "big":
      return String(v);
    case "char":
      return v === "" ? null : v;
    default:
      return v;
  }
}

function symbolOf(map: SymbolMap, r: DbnRecord): string {
  const at = "tsRecvNs" in r ? r.tsRecvNs : r.tsEventNs;
  return map.symbolFor(r.instrumentId, utcDateOf(at)) ?? "";
}

/** Databento CSV: a header row, then one line per record ("\n" line ends, one after the last line). */
export function renderCsv(metadata: DbnMetadata, records: readonly DbnRecord[], options: RenderOptions): string {
  if (records.length === 0) throw new Error("renderCsv needs a record for its header");
  const map = SymbolMap.fromMetadata(metadata);
  const header = fields(records[0]).map(([name]) => name);
  const lines = [[...header, ...(options.symbols ? ["symbol"] : [])].join(",")];
  for (const r of records) {
    const values = fields(r).map(([, kind, v]) => csvValue(kind, v, options.pretty));
    if (options.symbols) values.push(symbolOf(map, r));
    lines.push(values.join(","));
  }
  return `${lines.join("\n")}\n`;
}

/** Databento JSON lines: one object per record (`hd` and `levels` nested), optionally the metadata first. */
export function renderJson(metadata: DbnMetadata, records: readonly DbnRecord[], options: RenderOptions): string {
  const map = SymbolMap.fromMetadata(metadata);
  const lines: string[] = [];
  if (options.metadata) lines.push(JSON.stringify(jsonMetadata(metadata, options.pretty)));
  for (const r of records) {
    const o: Record<string, unknown> = {};
    const hd: Record<string, unknown> = {};
    const levels: Array<Record<string, unknown>> = [];
    for (const [name, kind, v] of fields(r)) {
      const value = jsonValue(kind, v, options.pretty);
      const level = /^(bid|ask)_(px|sz|ct)_(\d\d)$/.exec(name);
      if (["ts_event", "rtype", "publisher_id", "instrument_id"].includes(name)) {
        hd[name] = value;
        if (!("hd" in o)) o.hd = hd;
      } else if (level) {
        const i = Number(level[3]);
        levels[i] ??= {};
        levels[i][`${level[1]}_${level[2]}`] = value;
        if (!("levels" in o)) o.levels = levels;
      } else o[name] = value;
    }
    if (options.symbols) o.symbol = symbolOf(map, r) || null;
    lines.push(JSON.stringify(o));
  }
  return `${lines.join("\n")}\n`;
}

function jsonMetadata(m: DbnMetadata, pretty: boolean): Record<string, unknown> {
  const ts = (ns: bigint) => (pretty ? isoNs(ns) : ns.toString());
  const date = (d: number) => (pretty ? `${Math.floor(d / 10_000)}-${String(Math.floor(d / 100) % 100).padStart(2, "0")}-${String(d % 100).padStart(2, "0")}` : d);
  return {
    version: m.version,
    dataset: m.dataset,
    schema: m.schema,
    start: ts(m.startNs),
    end: m.endNs === null ? null : ts(m.endNs),
    limit: m.limit === null ? null : m.limit.toString(),
    stype_in: m.stypeIn,
    stype_out: m.stypeOut,
    ts_out: m.tsOut,
    symbol_cstr_len: m.symbolCstrLen,
    symbols: m.symbols,
    partial: m.partial,
    not_found: m.notFound,
    mappings: m.mappings.map((mp) => ({ raw_symbol: mp.rawSymbol, intervals: mp.intervals.map((iv) => ({ start_date: date(iv.startDate), end_date: date(iv.endDate), symbol: iv.symbol })) })),
  };
}
