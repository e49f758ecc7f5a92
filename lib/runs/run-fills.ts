/**
 * The fills of a run (table run_fills): every execution of the engine's result, stored with the
 * round trips in the result's transaction, so each one can be audited - which model and rule
 * filled it, against which market trade, with which latency, slippage and queue position.
 *
 * Round-trip membership is replayed from the fills themselves, the same way the engine's
 * RoundTripRecorder books them (lib/engine/round-trip.ts): trips are numbered from 1 in order; a
 * fill from flat opens the current trip, a fill back to flat closes it, and a reversal fill (the
 * position changes sign) closes the current trip with |position before| contracts and opens the
 * next with |position after|. So round trip n holds the fills with trade_seq = n, plus a reversal
 * fill with trade_seq = n - 1.
 *
 * Prices are stored as exact integer ticks and as index points converted with the instrument's
 * tick size at store time (the points survive a deleted dataset).
 */
import type pg from "pg";
import type { Db } from "../db/prisma";
import type { Fill, FillReason } from "../engine/fill";
import { getContractSpec, ticksToPrice } from "../market/contract-spec";
import { conflict } from "../errors";

/** Rows per INSERT ... SELECT FROM unnest(...) statement. */
const INSERT_CHUNK = 5000;

/** The round trip of each fill and the position after it (see the module comment). */
export function assignRoundTrips(fills: readonly Pick<Fill, "side" | "qty">[]): { tradeSeq: number[]; positionAfter: number[] } {
  const tradeSeq: number[] = [];
  const positionAfter: number[] = [];
  let trip = 1;
  let position = 0;
  for (const fill of fills) {
    const before = position;
    position += fill.side * fill.qty;
    tradeSeq.push(trip);
    positionAfter.push(position);
    if (position === 0 || before * position < 0) trip++;
  }
  return { tradeSeq, positionAfter };
}

/** Contracts of a stored fill that belong to round trip `tradeSeq` (0 when none). */
export function qtyInTrade(fill: { tradeSeq: number; side: number; qty: number; positionAfter: number }, tradeSeq: number): number {
  const before = fill.positionAfter - fill.side * fill.qty;
  const reversal = before * fill.positionAfter < 0;
  if (fill.tradeSeq === tradeSeq) return reversal ? Math.abs(before) : fill.qty;
  if (fill.tradeSeq === tradeSeq - 1 && reversal) return Math.abs(fill.positionAfter);
  return 0;
}

/** The parts of the engine's reason that have no column of their own (bigint as decimal strings). */
export interface FillDetailDto {
  /** Batch ordinal and index in it of the market trade the order filled against. */
  batch: number;
  tradeIndex: number;
  /** Receive time of that market trade, ns since the epoch. */
  tradeTsNs: string;
  /** Stop-like orders: the stop price and the trade that elected it. */
  trigger?: { stopPriceTicks: number; batch: number; tradeIndex: number; tradeTsNs: string; tradePriceTicks: number };
  /** Present when the fill was capped by the trade's size: what was left of the trade and the order. */
  partial?: { tradeSizeLeft: number; remainingQty: number };
}

export function toFillDetail(reason: FillReason): FillDetailDto {
  const detail: FillDetailDto = { batch: reason.batch, tradeIndex: reason.tradeIndex, tradeTsNs: reason.tradeTsNs.toString() };
  if (reason.trigger) {
    const t = reason.trigger;
    detail.trigger = { stopPriceTicks: t.stopPriceTicks, batch: t.batch, tradeIndex: t.tradeIndex, tradeTsNs: t.tradeTsNs.toString(), tradePriceTicks: t.tradePriceTicks };
  }
  if (reason.partial) detail.partial = { tradeSizeLeft: reason.partial.tradeSizeLeft, remainingQty: reason.partial.remainingQty };
  return detail;
}

/** One stored fill for the browser and the exports. */
export interface FillDto {
  /** The engine's fill id: sequential per run, from 1. */
  seq: number;
  orderId: number;
  /** The round trip it opened, added to or closed (a reversal also opens tradeSeq + 1). */
  tradeSeq: number;
  tsNs: string;
  /** ms since the epoch, fractional (exact to the microsecond). */
  tsMs: number;
  /** 1 buy, -1 sell. */
  side: 1 | -1;
  qty: number;
  priceTicks: number;
  /** Index points. */
  price: number;
  feeUsd: number;
  positionAfter: number;
  /** Fill source: l1-trades, l2-queue, l3-fifo, l1-quotes, end-of-data, expiry, roll. */
  model: string;
  /** Rule of the fill model (absent on market orders and engine closes). */
  rule: string | null;
  /** Entry latency applied between submission and the earliest matchable event, ns. */
  latencyNs: number;
  /** Response latency (the strategy learned of the fill this much later), ns; null without a response leg. */
  responseLatencyNs: number | null;
  slippageTicks: number;
  /** Contracts ahead of the order at its price when it filled (queue models only). */
  queuePosition: number | null;
  detail: FillDetailDto;
}

const nsToMs = (ns: bigint) => Number(ns / 1000n) / 1000;

/** A `run_fills` row as read with its bigints as text. */
export interface FillRow {
  seq: number;
  order_id: number;
  trade_seq: number;
  ts_ns: string;
  side: number;
  qty: number;
  price_ticks: number;
  price: number;
  fee_cents: string;
  position_after: number;
  model: string;
  rule: string | null;
  latency_ns: string;
  response_latency_ns: string | null;
  slippage_ticks: number;
  queue_position: number | null;
  detail: FillDetailDto;
}

const FILL_COLUMNS = `seq, order_id, trade_seq, ts_ns::text, side, qty, price_ticks, price, fee_cents::text, position_after, model, rule,
  latency_ns::text, response_latency_ns::text, slippage_ticks, queue_position, detail`;

export function toFillDto(row: FillRow): FillDto {
  return {
    seq: row.seq,
    orderId: row.order_id,
    tradeSeq: row.trade_seq,
    tsNs: row.ts_ns,
    tsMs: nsToMs(BigInt(row.ts_ns)),
    side: row.side > 0 ? 1 : -1,
    qty: row.qty,
    priceTicks: row.price_ticks,
    price: row.price,
    feeUsd: Number(row.fee_cents) / 100,
    positionAfter: row.position_after,
    model: row.model,
    rule: row.rule,
    latencyNs: Number(row.latency_ns),
    responseLatencyNs: row.response_latency_ns === null ? null : Number(row.response_latency_ns),
    slippageTicks: row.slippage_ticks,
    queuePosition: row.queue_position,
    detail: row.detail,
  };
}

/**
 * Stores the fills of a result (inside the result's transaction). The dataset row is locked
 * against deletion while its instrument gives the tick size; a dataset deleted before the result
 * could be stored is a conflict (the run fails: its prices could not be converted).
 */
export async function insertRunFills(client: pg.PoolClient, runId: string, datasetId: number | null, fills: readonly Fill[]): Promise<void> {
  if (fills.length === 0) return;
  const { rows } = await client.query<{ symbol: string }>(
    "SELECT i.symbol FROM datasets d JOIN instruments i ON i.id = d.instrument_id WHERE d.id = $1 FOR KEY SHARE OF d",
    [datasetId],
  );
  if (!rows[0]) throw conflict("The run's dataset was deleted before its result could be stored");
  const spec = getContractSpec(rows[0].symbol);
  const { tradeSeq, positionAfter } = assignRoundTrips(fills);
  for (let start = 0; start < fills.length; start += INSERT_CHUNK) {
    const slice = fills.slice(start, start + INSERT_CHUNK);
    const cols: unknown[][] = Array.from({ length: 17 }, () => []);
    slice.forEach((f, j) => {
      const r = f.reason;
      const values = [
        f.id,
        f.orderId,
        tradeSeq[start + j],
        f.tsNs.toString(),
        f.side,
        f.qty,
        f.priceTicks,
        ticksToPrice(spec, f.priceTicks),
        f.feeCents,
        positionAfter[start + j],
        r.model,
        r.rule ?? null,
        r.latencyNs,
        r.responseLatencyNs ?? null,
        r.slippageTicks,
        r.queuePosition ?? null,
        JSON.stringify(toFillDetail(r)),
      ];
      values.forEach((v, c) => cols[c].push(v));
    });
    await client.query(
      `INSERT INTO run_fills (run_id, seq, order_id, trade_seq, ts_ns, side, qty, price_ticks, price, fee_cents, position_after, model, rule,
                              latency_ns, response_latency_ns, slippage_ticks, queue_position, detail)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[], $5::bigint[], $6::smallint[], $7::int[], $8::int[], $9::float8[], $10::bigint[],
                                $11::int[], $12::text[], $13::text[], $14::bigint[], $15::bigint[], $16::int[], $17::float8[], $18::jsonb[])`,
      [runId, ...cols],
    );
  }
}

/** Every fill of a run in fill order (exports). */
export async function readRunFills(db: Db, runId: string): Promise<FillDto[]> {
  const rows = await db.runFill.findMany({ where: { runId }, orderBy: { seq: "asc" } });
  return rows.map((r) =>
    toFillDto({
      seq: r.seq,
      order_id: r.orderId,
      trade_seq: r.tradeSeq,
      ts_ns: r.tsNs.toString(),
      side: r.side,
      qty: r.qty,
      price_ticks: r.priceTicks,
      price: r.price,
      fee_cents: r.feeCents.toString(),
      position_after: r.positionAfter,
      model: r.model,
      rule: r.rule,
      latency_ns: r.latencyNs.toString(),
      response_latency_ns: r.responseLatencyNs === null ? null : r.responseLatencyNs.toString(),
      slippage_ticks: r.slippageTicks,
      queue_position: r.queuePosition,
      detail: r.detail as unknown as FillDetailDto,
    }),
  );
}

/** At most this many fills inside a chart window are given besides the charted round trip's own. */
export const MAX_WINDOW_FILLS = 1000;

/** A fill on the trade chart: `tradeQty` contracts of it belong to the charted round trip (0: another trip's). */
export interface ChartFillDto extends FillDto {
  tradeQty: number;
}

/**
 * The fills of round trip `tradeSeq` (all of them) and the fills inside [fromNs, toNs) (at most
 * MAX_WINDOW_FILLS, the earliest first; `truncated` says some were left out), in fill order.
 */
export async function readChartFills(
  pool: pg.Pool,
  runId: string,
  tradeSeq: number,
  fromNs: bigint,
  toNs: bigint,
): Promise<{ fills: ChartFillDto[]; truncated: boolean }> {
  const [own, window] = await Promise.all([
    pool.query<FillRow>(
      `SELECT ${FILL_COLUMNS} FROM run_fills
        WHERE run_id = $1 AND (trade_seq = $2 OR (trade_seq = $2 - 1 AND (position_after - side * qty) * position_after < 0))`,
      [runId, tradeSeq],
    ),
    pool.query<FillRow>(
      `SELECT ${FILL_COLUMNS} FROM run_fills WHERE run_id = $1 AND ts_ns >= $2 AND ts_ns < $3 ORDER BY ts_ns, seq LIMIT ${MAX_WINDOW_FILLS + 1}`,
      [runId, fromNs.toString(), toNs.toString()],
    ),
  ]);
  const truncated = window.rows.length > MAX_WINDOW_FILLS;
  const bySeq = new Map<number, ChartFillDto>();
  for (const row of [...own.rows, ...window.rows.slice(0, MAX_WINDOW_FILLS)]) {
    if (bySeq.has(row.seq)) continue;
    const dto = toFillDto(row);
    bySeq.set(dto.seq, { ...dto, tradeQty: qtyInTrade(dto, tradeSeq) });
  }
  return { fills: [...bySeq.values()].sort((a, b) => a.seq - b.seq), truncated };
}
