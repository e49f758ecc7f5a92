/**
 * Hand-written MBO records for tests: readable literals in, MboColumns out.
 * Prices are in index points (4800.25), converted exactly to Databento's 1e-9 units; `flags`
 * defaults to LAST (every record its own event) - pass `flags: 0` for a record inside an event.
 */
import { allocateMboColumns, MBO_FLAG, type MboColumns } from "../../market/mbo-columns";

export interface MboLiteral {
  readonly action: "A" | "C" | "M" | "R" | "T" | "F" | "N" | string;
  readonly side?: "B" | "A" | "N";
  /** Index points; omitted = undefined price (NaN). */
  readonly price?: number;
  readonly size?: number;
  readonly id?: number | bigint;
  readonly flags?: number;
  /** ts_recv offset from the batch's baseNs. */
  readonly tsNs?: number;
  /** ts_event - ts_recv. */
  readonly eventDeltaNs?: number;
  readonly instrumentId?: number;
  readonly sequence?: number;
}

export const ES_INSTRUMENT_ID = 17077;

/** Index points -> 1e-9 units (exact for prices with up to 9 decimals). */
export function nano(points: number): number {
  return Math.round(points * 1e9);
}

export function splitOrderId(id: number | bigint): { hi: number; lo: number } {
  const big = BigInt(id);
  return { hi: Number(big >> 32n), lo: Number(big & 0xffffffffn) };
}

export function mboColumns(records: readonly MboLiteral[], baseNs = 1_703_462_400_000_000_000n): MboColumns {
  const columns = allocateMboColumns(records.length, baseNs);
  records.forEach((r, i) => {
    const { hi, lo } = splitOrderId(r.id ?? 0);
    columns.tsRecvOffsetNs[i] = r.tsNs ?? i * 1000;
    columns.tsEventDeltaNs[i] = r.eventDeltaNs ?? -500;
    columns.instrumentId[i] = r.instrumentId ?? ES_INSTRUMENT_ID;
    columns.orderIdHi[i] = hi;
    columns.orderIdLo[i] = lo;
    columns.priceNano[i] = r.price === undefined ? Number.NaN : nano(r.price);
    columns.size[i] = r.size ?? 0;
    columns.flags[i] = r.flags ?? MBO_FLAG.LAST;
    columns.action[i] = r.action.charCodeAt(0);
    columns.side[i] = (r.side ?? "N").charCodeAt(0);
    columns.sequence[i] = r.sequence ?? i + 1;
  });
  columns.length = records.length;
  return columns;
}
