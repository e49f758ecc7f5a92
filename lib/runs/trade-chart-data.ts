/**
 * GET /api/runs/:id/trades/:seq/chart: OHLCV bars of the run's dataset around one round trip,
 * with the trip's entry and exit as markers. Ticks are read from the tick store over the window
 * only (trade_blocks, COPY of the overlapping blocks) and aggregated with lib/market/bars.ts.
 *
 * Markers: the round trip's first entry and its exit at their average prices. Fills: every stored
 * fill of the trip and the run's other fills inside the window (lib/runs/run-fills.ts), each
 * with its audit fields; `fillsSource: "fills"`. Runs stored before fills were kept have none
 * (`fillsSource: "round-trip"`: the markers are all there is).
 * A deleted dataset is not an error: the answer says so (`available: false` with a message) and
 * the trip's own entry/exit are still given.
 */
import type pg from "pg";
import { z } from "zod";
import type { Principal } from "../auth/roles";
import type { Db } from "../db/prisma";
import { badRequest, notFound } from "../errors";
import { readTrades } from "../data/tick-blocks";
import { BarAggregator } from "../market/bars";
import { getContractSpec, ticksToPrice } from "../market/contract-spec";
import { tsRecvNsAt } from "../market/trade-columns";
import { readableRun } from "./run-access";
import { readChartFills, type ChartFillDto } from "./run-fills";
import { CHART_INTERVAL_NAMES, MAX_CHART_BARS, barSlots, chartWindowNs, intervalNs, pickInterval, toChartBars, type ChartBarDto, type ChartInterval } from "./trade-chart";
import { toTradeRowDto, type TradeRowDto } from "./trades-page";

export const tradeChartQuerySchema = z.object({ interval: z.enum(CHART_INTERVAL_NAMES as [ChartInterval, ...ChartInterval[]]).optional() });

export interface ChartMarkerDto {
  kind: "entry" | "exit";
  /** ms since the epoch, fractional (exact to the microsecond). */
  tsMs: number;
  tsNs: string;
  price: number;
  /** 1 buy, -1 sell: the order side of this fill. */
  side: 1 | -1;
  qty: number;
}

export interface TradeChartDto {
  trade: TradeRowDto;
  available: boolean;
  /** Why there are no bars (dataset deleted, no ticks in the window). */
  message: string | null;
  /** The stored dataset differs from the version the run used. */
  datasetVersionChanged: boolean;
  interval: ChartInterval;
  fromMs: number;
  toMs: number;
  bars: ChartBarDto[];
  markers: ChartMarkerDto[];
  /** The trip's fills (tradeQty > 0) and the other fills inside the window, in fill order. */
  fills: ChartFillDto[];
  /** Some fills of other trips inside the window were left out (more than MAX_WINDOW_FILLS). */
  fillsTruncated: boolean;
  fillsSource: "fills" | "round-trip";
  ticks: number;
}

const nsToMs = (ns: bigint) => Number(ns / 1000n) / 1000;

export async function getTradeChart(
  deps: { db: Db; pool: pg.Pool },
  principal: Principal | null,
  runId: string,
  seqText: string,
  rawQuery: z.input<typeof tradeChartQuerySchema>,
  shareToken: string | null = null,
): Promise<TradeChartDto> {
  const query = tradeChartQuerySchema.parse(rawQuery);
  if (!/^\d{1,9}$/.test(seqText)) throw notFound("Trade");
  const run = await readableRun(deps.db, principal, runId, shareToken);
  const { rows } = await deps.pool.query(
    "SELECT seq, side, qty, entry_ns::text, exit_ns::text, entry_price, exit_price, pnl_cents::text, fees_cents::text FROM run_trades WHERE run_id = $1 AND seq = $2",
    [run.id, Number(seqText)],
  );
  if (rows.length === 0) throw notFound("Trade");
  const trade = toTradeRowDto(rows[0]);
  const entryNs = BigInt(trade.entryNs);
  const exitNs = BigInt(trade.exitNs);
  const { fromNs, toNs } = chartWindowNs(entryNs, exitNs);
  const interval = query.interval ?? pickInterval(fromNs, toNs);
  if (barSlots(fromNs, toNs, interval) > MAX_CHART_BARS) throw badRequest(`Interval ${interval} gives more than ${MAX_CHART_BARS} bars over this trade's window; choose a longer one`);
  const side = trade.side > 0 ? 1 : -1;
  const fills = await readChartFills(deps.pool, run.id, trade.seq, fromNs, toNs);
  const base = {
    trade,
    interval,
    fromMs: nsToMs(fromNs),
    toMs: nsToMs(toNs),
    markers: [
      { kind: "entry", tsMs: nsToMs(entryNs), tsNs: trade.entryNs, price: trade.entryPrice, side, qty: trade.qty },
      { kind: "exit", tsMs: nsToMs(exitNs), tsNs: trade.exitNs, price: trade.exitPrice, side: -side as 1 | -1, qty: trade.qty },
    ] satisfies ChartMarkerDto[],
    fills: fills.fills,
    fillsTruncated: fills.truncated,
    fillsSource: fills.fills.some((f) => f.tradeQty > 0) ? ("fills" as const) : ("round-trip" as const),
  };

  const dataset =
    run.datasetId === null
      ? null
      : await deps.db.dataset.findUnique({ where: { id: run.datasetId }, select: { id: true, version: true, status: true, instrument: { select: { symbol: true } } } });
  if (!dataset) {
    return { ...base, available: false, message: `The dataset ${run.datasetName} v${run.datasetVersion} was deleted: its prices can no longer be shown. The trade's own entry and exit are below.`, datasetVersionChanged: false, bars: [], ticks: 0 };
  }
  const spec = getContractSpec(dataset.instrument.symbol);
  const aggregator = new BarAggregator(intervalNs(interval));
  let ticks = 0;
  for await (const batch of readTrades(deps.pool, { datasetId: dataset.id, tickSizeNano: spec.tickSizeNano, fromNs, toNs })) {
    for (let i = 0; i < batch.length; i++) aggregator.add(0, tsRecvNsAt(batch, i), BigInt(batch.priceTicks[i]), batch.size[i]);
    ticks += batch.length;
  }
  const bars = toChartBars(aggregator.result(), (t) => ticksToPrice(spec, t));
  return {
    ...base,
    available: bars.length > 0,
    message: bars.length > 0 ? null : "The dataset has no trades in this window.",
    datasetVersionChanged: dataset.version !== run.datasetVersion,
    bars,
    ticks,
  };
}
