/**
 * Resolves instrument ids to symbols per date from the metadata mappings (and from live symbol
 * mapping records, rtype 0x16). A mapping pairs the requested (stype_in) symbol with the output
 * (stype_out) symbol per date interval; for CME requests the output is normally the instrument id,
 * e.g. `ES.c.0` -> "4916" from 2023-12-01 to 2023-12-15, then another id after the roll.
 *
 * Dates are UTC calendar dates as YYYYMMDD integers, start inclusive and end exclusive (Databento's
 * convention). Only mappings with an instrument id on one side are indexed.
 */
import type { DbnMetadata } from "./metadata";

interface Span {
  startDate: number;
  endDate: number;
  symbol: string;
  instrumentId: number;
}

export class SymbolMap {
  private readonly byInstrument = new Map<number, Span[]>();
  private readonly bySymbol = new Map<string, Span[]>();

  static fromMetadata(metadata: DbnMetadata): SymbolMap {
    const map = new SymbolMap();
    const outIsId = metadata.stypeOut === "instrument_id";
    const inIsId = metadata.stypeIn === "instrument_id";
    for (const mapping of metadata.mappings) {
      for (const interval of mapping.intervals) {
        if (outIsId) map.add(mapping.rawSymbol, Number(interval.symbol), interval.startDate, interval.endDate);
        else if (inIsId) map.add(interval.symbol, Number(mapping.rawSymbol), interval.startDate, interval.endDate);
      }
    }
    return map;
  }

  /** Adds one mapping; ignored when the id is not a valid u32. */
  add(symbol: string, instrumentId: number, startDate: number, endDate: number): void {
    if (!Number.isInteger(instrumentId) || instrumentId < 0 || instrumentId > 0xffff_ffff) return;
    const span: Span = { startDate, endDate, symbol, instrumentId };
    push(this.byInstrument, instrumentId, span);
    push(this.bySymbol, symbol, span);
  }

  /** The symbol that mapped to `instrumentId` on `date` (YYYYMMDD), or null. */
  symbolFor(instrumentId: number, date: number): string | null {
    const span = find(this.byInstrument.get(instrumentId), date);
    return span ? span.symbol : null;
  }

  /** The instrument id `symbol` (e.g. "ES.c.0") resolved to on `date` (YYYYMMDD), or null. */
  instrumentIdFor(symbol: string, date: number): number | null {
    const span = find(this.bySymbol.get(symbol), date);
    return span ? span.instrumentId : null;
  }

  /** Every instrument id known to the map, ascending. */
  instrumentIds(): number[] {
    return [...this.byInstrument.keys()].sort((a, b) => a - b);
  }
}

/** UTC calendar date (YYYYMMDD) of a nanosecond timestamp. */
export function utcDateOf(tsNs: bigint): number {
  const d = new Date(Number(tsNs / 1_000_000n));
  return d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
}

function push<K>(map: Map<K, Span[]>, key: K, span: Span): void {
  const list = map.get(key);
  if (list) list.push(span);
  else map.set(key, [span]);
}

function find(spans: Span[] | undefined, date: number): Span | undefined {
  return spans?.find((s) => date >= s.startDate && date < s.endDate);
}
