/**
 * The read side of a dataset's reference data: the Databento instrument definitions and venue
 * statistics stored by lib/data/import/import-reference.ts (tables instrument_definitions and
 * market_statistics), and the vocabulary both sides share (statistic type names, contract symbols).
 *
 * - Every value comes back exact: prices as decimal strings built from the 1e-9 fixed point
 *   integers (never through a float) and the integers themselves as strings; quantities as strings.
 * - "The contract's" records are those marked `matches_contract` at import: the dataset's dated
 *   contract, or the outright futures of its root when it holds a root only.
 * - Statistics published several times for one trading date (preliminary then final settlement,
 *   revised open interest) resolve to the most recently received one (Databento's advice), in
 *   receive order; an update_action 2 (delete) removes the value it follows.
 * - The open interest of `dailyOpenInterest` feeds the open-interest roll rule of continuous
 *   datasets (lib/data/continuous-datasets.ts), keyed by CME session date (trading date).
 */
import type pg from "pg";
import { z } from "zod";
import { notFound } from "../errors";
import { formatContractSymbol, parseContractSymbol } from "../market/contract-symbol";
import type { ContractDayStats } from "../market/roll-schedule";
import { datasetContract } from "./continuous-datasets";
import { nsToIsoNs } from "./import/import-report";

// ---------------------------------------------------------------------------------------------
// Vocabulary.

/** Databento StatType numbers and names (databento/dbn enums.rs, snake_case). Other numbers are kept as `unknown_<n>`. */
export const STAT_TYPE_NAMES: Readonly<Record<number, string>> = Object.freeze({
  1: "opening_price",
  2: "indicative_opening_price",
  3: "settlement_price",
  4: "trading_session_low_price",
  5: "trading_session_high_price",
  6: "cleared_volume",
  7: "lowest_offer",
  8: "highest_bid",
  9: "open_interest",
  10: "fixing_price",
  11: "close_price",
  12: "net_change",
  13: "vwap",
  14: "volatility",
  15: "delta",
  16: "uncrossing_price",
  17: "upper_price_limit",
  18: "lower_price_limit",
  19: "block_volume",
  20: "indicative_close_price",
  10001: "venue_specific_volume_1",
  10002: "venue_specific_price_1",
});

export const STAT_TYPE = { SETTLEMENT_PRICE: 3, CLEARED_VOLUME: 6, OPEN_INTEREST: 9 } as const;

/** "settlement_price" for 3; "unknown_42" for a number Tickbench has no name for. */
export function statTypeName(statType: number): string {
  return STAT_TYPE_NAMES[statType] ?? `unknown_${statType}`;
}

/** True when Tickbench knows the statistic type's name. */
export function isKnownStatType(statType: number): boolean {
  return STAT_TYPE_NAMES[statType] !== undefined;
}

/** The number of a statistic type given by name ("open_interest", "unknown_42") or number ("9"); null when neither. */
export function statTypeOf(text: string): number | null {
  const t = text.trim().toLowerCase().replaceAll("-", "_");
  if (/^\d+$/.test(t)) return Number(t);
  const unknown = /^unknown_(\d+)$/.exec(t);
  if (unknown) return Number(unknown[1]);
  for (const [n, name] of Object.entries(STAT_TYPE_NAMES)) if (name === t) return Number(n);
  return null;
}

/** CME settlement flags (stat_flags of a settlement price): bit 0 final, else preliminary; 255 = not given. */
export function settlementIsFinal(statType: number, statFlags: number): boolean | null {
  if (statType !== STAT_TYPE.SETTLEMENT_PRICE || statFlags === 255) return null;
  return (statFlags & 1) !== 0;
}

/** An outright dated contract read from a vendor symbol ("ESM3"): root and canonical symbol. */
export interface SymbolContract {
  root: string;
  year: number;
  month: number;
  /** Canonical one-digit-year symbol, e.g. "ESM3". */
  contract: string;
}

/**
 * The outright contract a raw symbol names, or null for spreads ("ESM4-ESU4"), options ("ESM4
 * C5000"), parent/continuous symbols and anything else. One-digit years resolve around
 * `referenceYear` (the record's maturity year or date).
 */
export function contractOfSymbol(symbol: string | null, referenceYear: number): SymbolContract | null {
  const text = symbol?.trim().toUpperCase() ?? "";
  if (!/^[A-Z0-9]+[FGHJKMNQUVXZ]\d{1,2}$/.test(text)) return null;
  try {
    const id = parseContractSymbol(text, referenceYear);
    return { root: id.root, year: id.year, month: id.month, contract: formatContractSymbol(id) };
  } catch {
    return null;
  }
}

/** Which records are "the contract's": its dated contract, or any outright of its root when it holds a root only. */
export interface ContractTarget {
  root: string;
  contract: string | null;
}

export function matchesTarget(target: ContractTarget, found: SymbolContract | null): boolean {
  return found !== null && found.root === target.root && (target.contract === null || found.contract === target.contract);
}

/** Exact decimal of a 1e-9 fixed-point integer: 4425250000000n -> "4425.25", 10000000n -> "0.01". */
export function nanoToDecimal(nano: bigint): string {
  const negative = nano < 0n;
  const abs = negative ? -nano : nano;
  const whole = abs / 1_000_000_000n;
  const fraction = (abs % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

const big = (text: string | null): bigint | null => (text === null ? null : BigInt(text));
const decimal = (text: string | null): string | null => (text === null ? null : nanoToDecimal(BigInt(text)));
const iso = (text: string | null): string | null => (text === null ? null : nsToIsoNs(BigInt(text)));

// ---------------------------------------------------------------------------------------------
// DTOs.

/** A check of a contract's definition against Tickbench's spec (tick size, multiplier, expiry, currency). */
export interface DefinitionCheck {
  field: "tick_size" | "multiplier" | "expiration" | "currency";
  expected: string;
  actual: string | null;
  ok: boolean;
}

export interface DefinitionDto {
  instrumentId: number;
  rawSymbol: string;
  instrumentClass: string;
  securityType: string;
  updateAction: string;
  matchesContract: boolean;
  tsRecv: string;
  tsEvent: string;
  expiration: string | null;
  activation: string | null;
  /** Tick size in price units (exact decimal). */
  minPriceIncrement: string | null;
  displayFactor: string;
  unitOfMeasure: string;
  unitOfMeasureQty: string | null;
  /** USD per point: unit_of_measure_qty for index-point (IPNT) contracts, else contract_multiplier. */
  multiplier: string | null;
  currency: string;
  exchange: string;
  asset: string;
  group: string;
  underlying: string;
  maturityYear: number | null;
  maturityMonth: number | null;
  highLimitPrice: string | null;
  lowLimitPrice: string | null;
  maxPriceVariation: string | null;
  marketSegmentId: number | null;
  matchAlgorithm: string;
  checks: DefinitionCheck[];
}

export interface StatisticDto {
  instrumentId: number;
  rawSymbol: string | null;
  matchesContract: boolean;
  statType: number;
  name: string;
  sessionDate: string | null;
  tsRecv: string;
  tsEvent: string;
  tsRef: string | null;
  /** Exact decimal price (price statistics), null when the record has none. */
  price: string | null;
  priceNano: string | null;
  /** Exact integer quantity (volume, open interest), null when the record has none. */
  quantity: string | null;
  sequence: number;
  updateAction: number;
  statFlags: number;
  /** Settlement prices: final (true) or preliminary (false); null for other types or when not given. */
  final: boolean | null;
}

export interface StatTypeCount {
  statType: number;
  name: string;
  known: boolean;
  count: number;
  matching: number;
}

export interface ReferenceDataDto {
  dataset: string;
  root: string;
  /** The dataset's dated contract, null when it holds a root (then the root's outrights match). */
  contract: string | null;
  definitions: {
    count: number;
    instruments: number;
    matching: number;
    /** The latest definition of each matching symbol (by receive time). */
    contract: DefinitionDto[];
  };
  statistics: {
    count: number;
    matching: number;
    byType: StatTypeCount[];
    /** The latest record of each statistic type among the contract's. */
    latest: StatisticDto[];
  };
  /** One value per session date and symbol (the latest received) of `statType`, newest date first. */
  series: { statType: number; name: string; points: StatisticDto[] };
}

export const referenceQuerySchema = z.object({
  type: z
    .string()
    .trim()
    .max(40)
    .default("settlement_price")
    .describe("Statistic type of `series`: a name (settlement_price, open_interest, cleared_volume...) or a Databento StatType number")
    .refine((t) => statTypeOf(t) !== null, "Unknown statistic type: use a name such as settlement_price or a number"),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Session dates in `series`"),
});
export type ReferenceQuery = z.input<typeof referenceQuerySchema>;

// ---------------------------------------------------------------------------------------------
// Reading.

const DEFINITION_COLUMNS = `instrument_id::text, raw_symbol, instrument_class, security_type, security_update_action, matches_contract,
  ts_recv_ns::text, ts_event_ns::text, expiration_ns::text, activation_ns::text, min_price_increment_nano::text, display_factor_nano::text,
  unit_of_measure, unit_of_measure_qty_nano::text, contract_multiplier, currency, exchange, asset, product_group, underlying,
  maturity_year, maturity_month, high_limit_price_nano::text, low_limit_price_nano::text, max_price_variation_nano::text,
  market_segment_id::text, match_algorithm, checks`;

interface DefinitionRow {
  instrument_id: string;
  raw_symbol: string;
  instrument_class: string;
  security_type: string;
  security_update_action: string;
  matches_contract: boolean;
  ts_recv_ns: string;
  ts_event_ns: string;
  expiration_ns: string | null;
  activation_ns: string | null;
  min_price_increment_nano: string | null;
  display_factor_nano: string;
  unit_of_measure: string;
  unit_of_measure_qty_nano: string | null;
  contract_multiplier: number | null;
  currency: string;
  exchange: string;
  asset: string;
  product_group: string;
  underlying: string;
  maturity_year: number | null;
  maturity_month: number | null;
  high_limit_price_nano: string | null;
  low_limit_price_nano: string | null;
  max_price_variation_nano: string | null;
  market_segment_id: string | null;
  match_algorithm: string;
  checks: DefinitionCheck[];
}

/** USD per point of a definition: unit_of_measure_qty for index-point contracts (CME sends no contract_multiplier there). */
export function definitionMultiplier(def: { unitOfMeasure: string; unitOfMeasureQtyNano: bigint | null; contractMultiplier: number | null }): string | null {
  if (def.unitOfMeasure === "IPNT" && def.unitOfMeasureQtyNano !== null) return nanoToDecimal(def.unitOfMeasureQtyNano);
  return def.contractMultiplier === null ? null : String(def.contractMultiplier);
}

function toDefinitionDto(r: DefinitionRow): DefinitionDto {
  return {
    instrumentId: Number(r.instrument_id),
    rawSymbol: r.raw_symbol,
    instrumentClass: r.instrument_class,
    securityType: r.security_type,
    updateAction: r.security_update_action,
    matchesContract: r.matches_contract,
    tsRecv: nsToIsoNs(BigInt(r.ts_recv_ns)),
    tsEvent: nsToIsoNs(BigInt(r.ts_event_ns)),
    expiration: iso(r.expiration_ns),
    activation: iso(r.activation_ns),
    minPriceIncrement: decimal(r.min_price_increment_nano),
    displayFactor: nanoToDecimal(BigInt(r.display_factor_nano)),
    unitOfMeasure: r.unit_of_measure,
    unitOfMeasureQty: decimal(r.unit_of_measure_qty_nano),
    multiplier: definitionMultiplier({ unitOfMeasure: r.unit_of_measure, unitOfMeasureQtyNano: big(r.unit_of_measure_qty_nano), contractMultiplier: r.contract_multiplier }),
    currency: r.currency,
    exchange: r.exchange,
    asset: r.asset,
    group: r.product_group,
    underlying: r.underlying,
    maturityYear: r.maturity_year,
    maturityMonth: r.maturity_month,
    highLimitPrice: decimal(r.high_limit_price_nano),
    lowLimitPrice: decimal(r.low_limit_price_nano),
    maxPriceVariation: decimal(r.max_price_variation_nano),
    marketSegmentId: r.market_segment_id === null ? null : Number(r.market_segment_id),
    matchAlgorithm: r.match_algorithm,
    checks: r.checks,
  };
}

const STATISTIC_COLUMNS = `instrument_id::text, raw_symbol, matches_contract, stat_type, session_date::text, ts_recv_ns::text, ts_event_ns::text,
  ts_ref_ns::text, price_nano::text, quantity::text, sequence::text, update_action, stat_flags`;

interface StatisticRow {
  instrument_id: string;
  raw_symbol: string | null;
  matches_contract: boolean;
  stat_type: number;
  session_date: string | null;
  ts_recv_ns: string;
  ts_event_ns: string;
  ts_ref_ns: string | null;
  price_nano: string | null;
  quantity: string | null;
  sequence: string;
  update_action: number;
  stat_flags: number;
}

function toStatisticDto(r: StatisticRow): StatisticDto {
  return {
    instrumentId: Number(r.instrument_id),
    rawSymbol: r.raw_symbol,
    matchesContract: r.matches_contract,
    statType: r.stat_type,
    name: statTypeName(r.stat_type),
    sessionDate: r.session_date,
    tsRecv: nsToIsoNs(BigInt(r.ts_recv_ns)),
    tsEvent: nsToIsoNs(BigInt(r.ts_event_ns)),
    tsRef: iso(r.ts_ref_ns),
    price: decimal(r.price_nano),
    priceNano: r.price_nano,
    quantity: r.quantity,
    sequence: Number(r.sequence),
    updateAction: r.update_action,
    statFlags: r.stat_flags,
    final: settlementIsFinal(r.stat_type, r.stat_flags),
  };
}

/** The dataset's reference data: counts, the contract's latest definitions and statistics, and one statistic's daily series. */
export async function readReferenceData(pool: pg.Pool, name: string, rawQuery: ReferenceQuery = {}): Promise<ReferenceDataDto> {
  const query = referenceQuerySchema.parse(rawQuery);
  const { rows: found } = await pool.query<{ id: number; kind: string; provenance: unknown; root: string }>(
    "SELECT d.id, d.kind, d.provenance, i.symbol AS root FROM datasets d JOIN instruments i ON i.id = d.instrument_id WHERE d.name = $1",
    [name],
  );
  if (found.length === 0) throw notFound(`Dataset ${name}`);
  const { id, kind, provenance, root } = found[0];
  const seriesType = statTypeOf(query.type)!;
  const [defCounts, defLatest, statCounts, statLatest, series] = await Promise.all([
    pool.query<{ count: string; instruments: string; matching: string }>(
      "SELECT count(*)::text AS count, count(DISTINCT instrument_id)::text AS instruments, count(*) FILTER (WHERE matches_contract)::text AS matching FROM instrument_definitions WHERE dataset_id = $1",
      [id],
    ),
    pool.query<DefinitionRow>(
      `SELECT DISTINCT ON (raw_symbol) ${DEFINITION_COLUMNS} FROM instrument_definitions
        WHERE dataset_id = $1 AND matches_contract ORDER BY raw_symbol, ts_recv_ns DESC, id DESC`,
      [id],
    ),
    pool.query<{ stat_type: number; count: string; matching: string }>(
      "SELECT stat_type, count(*)::text AS count, count(*) FILTER (WHERE matches_contract)::text AS matching FROM market_statistics WHERE dataset_id = $1 GROUP BY stat_type ORDER BY stat_type",
      [id],
    ),
    pool.query<StatisticRow>(
      `SELECT DISTINCT ON (stat_type) ${STATISTIC_COLUMNS} FROM market_statistics
        WHERE dataset_id = $1 AND matches_contract ORDER BY stat_type, ts_recv_ns DESC, sequence DESC, id DESC`,
      [id],
    ),
    pool.query<StatisticRow>(
      `SELECT * FROM (
         SELECT DISTINCT ON (session_date, raw_symbol) ${STATISTIC_COLUMNS} FROM market_statistics
          WHERE dataset_id = $1 AND matches_contract AND stat_type = $2 AND session_date IS NOT NULL
          ORDER BY session_date, raw_symbol, ts_recv_ns DESC, sequence DESC, id DESC) latest
        WHERE update_action <> 2 ORDER BY session_date DESC, raw_symbol LIMIT $3`,
      [id, seriesType, query.limit],
    ),
  ]);
  const byType = statCounts.rows.map((r) => ({ statType: r.stat_type, name: statTypeName(r.stat_type), known: isKnownStatType(r.stat_type), count: Number(r.count), matching: Number(r.matching) }));
  return {
    dataset: name,
    root,
    contract: kind === "single" ? datasetContract(provenance) : null,
    definitions: {
      count: Number(defCounts.rows[0].count),
      instruments: Number(defCounts.rows[0].instruments),
      matching: Number(defCounts.rows[0].matching),
      contract: defLatest.rows.map(toDefinitionDto),
    },
    statistics: {
      count: byType.reduce((n, t) => n + t.count, 0),
      matching: byType.reduce((n, t) => n + t.matching, 0),
      byType,
      latest: statLatest.rows.map(toStatisticDto),
    },
    series: { statType: seriesType, name: statTypeName(seriesType), points: series.rows.map(toStatisticDto) },
  };
}

/**
 * Open interest per CME session date of `contracts` (canonical symbols such as MNQH5) from the
 * statistics stored in the datasets `datasetIds` (any record whose symbol names one of them, so
 * a parent-symbol statistics file imported into one component serves all). The latest received
 * value of a date wins; a delete removes it. `volume` is 0: the open-interest roll rule ignores it.
 */
export async function dailyOpenInterest(pool: pg.Pool, datasetIds: readonly number[], contracts: readonly string[]): Promise<ContractDayStats[]> {
  const { rows } = await pool.query<{ raw_symbol: string; session_date: string; quantity: string | null; update_action: number }>(
    `SELECT raw_symbol, session_date::text, quantity::text, update_action FROM market_statistics
      WHERE dataset_id = ANY($1::int[]) AND stat_type = $2 AND raw_symbol IS NOT NULL AND session_date IS NOT NULL
      ORDER BY ts_recv_ns, sequence, id`,
    [datasetIds, STAT_TYPE.OPEN_INTEREST],
  );
  const wanted = new Set(contracts);
  const values = new Map<string, { sessionDate: string; symbol: string; openInterest: number }>();
  for (const r of rows) {
    const found = contractOfSymbol(r.raw_symbol, Number(r.session_date.slice(0, 4)));
    if (found === null || !wanted.has(found.contract)) continue;
    const key = `${found.contract}|${r.session_date}`;
    if (r.update_action === 2 || r.quantity === null) values.delete(key);
    else values.set(key, { sessionDate: r.session_date, symbol: found.contract, openInterest: Number(r.quantity) });
  }
  return [...values.values()].map((v) => ({ ...v, volume: 0 }));
}
