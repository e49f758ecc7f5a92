import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";
import { InProcessReplaySource } from "../lib/runs/sandbox/in-process-source";
import { qtyInTrade, type FillRow } from "../lib/runs/run-fills";
import { chartWindowNs } from "../lib/runs/trade-chart";
import type { BacktestResult } from "../lib/engine/result";

type StoredFill = FillRow;

interface Trip {
  seq: number;
  side: number;
  qty: number;
  entryNs: bigint;
  exitNs: bigint;
}

/** run_fills: written by the executor with the result, read by the trade chart and the exports. */
describe("run fills", () => {
  let db: TestDatabase;
  const tokens = { ana: "" };
  let runId = "";
  let engine: BacktestResult;
  let fills: StoredFill[] = [];
  let trips: Trip[] = [];
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "fills-demo", "2025-03-04", "2025-03-04");
    process.env.DATABASE_URL = db.url;
    const { ana } = await analysts(db, "fills.test", ["ana"] as const);
    tokens.ana = ana.token;
    const boss = await startBoss(db.url, "sender");
    const principal = { userId: ana.id, email: ana.email, name: ana.name, role: "analyst" as const, via: "token" as const };
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 };
    const run = await createRun(deps, principal, { datasetName: "fills-demo", strategyId: "sma-cross", name: "Fills, audited", params: { fast: 3, slow: 8, qty: 2 }, config: { latencyMs: 3 } });
    runId = run.id;
    await boss.stop({ graceful: false, wait: true });
    await executeRun(inProcessExecutor(db, { chunkEvents: 200_000 }), runId);

    // The reference: the same inputs replayed directly, outside the executor.
    const { rows: runRows } = await db.pool.query("SELECT strategy_id, params, config, dataset_id, dataset_name, seed, status FROM runs WHERE id = $1", [runId]);
    const r = runRows[0];
    expect(r.status).toBe("succeeded");
    const source = new InProcessReplaySource({
      db: db.prisma,
      pool: db.pool,
      inputs: { strategyId: r.strategy_id, params: r.params, config: r.config, datasetId: r.dataset_id, datasetName: r.dataset_name, seed: r.seed },
      chunkEvents: 200_000,
      chunkDelayMs: 0,
    });
    await source.open();
    for await (const slice of source.slices()) void slice;
    engine = (await source.finish()).result;
    await source.close();

    fills = (await db.pool.query<StoredFill>("SELECT *, ts_ns::text AS ts_ns, fee_cents::text AS fee_cents, latency_ns::text AS latency_ns, response_latency_ns::text AS response_latency_ns FROM run_fills WHERE run_id = $1 ORDER BY seq", [runId])).rows;
    const { rows } = await db.pool.query("SELECT seq, side, qty, entry_ns::text, exit_ns::text FROM run_trades WHERE run_id = $1 ORDER BY seq", [runId]);
    trips = rows.map((t) => ({ seq: t.seq, side: t.side, qty: t.qty, entryNs: BigInt(t.entry_ns), exitNs: BigInt(t.exit_ns) }));
    routes = {
      "runs/[id]/trades/[n]/chart": await import("../app/api/runs/[id]/trades/[n]/chart/route"),
      "runs/[id]/export": await import("../app/api/runs/[id]/export/route"),
    } as unknown as RouteModules;
  }, 240_000);
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  it("stores every fill of the engine's result with its price, fee and reason", () => {
    expect(engine.fills.length).toBeGreaterThan(20);
    expect(fills).toHaveLength(engine.fills.length);
    engine.fills.forEach((f, i) => {
      const s = fills[i];
      expect(s.seq).toBe(f.id);
      expect(s.order_id).toBe(f.orderId);
      expect(BigInt(s.ts_ns)).toBe(f.tsNs);
      expect(s.side).toBe(f.side);
      expect(s.qty).toBe(f.qty);
      expect(s.price_ticks).toBe(f.priceTicks);
      // MNQ: one tick is 0.25 index points.
      expect(s.price).toBe(f.priceTicks / 4);
      expect(Number(s.fee_cents)).toBe(f.feeCents);
      expect(s.model).toBe(f.reason.model);
      expect(s.rule).toBe(f.reason.rule ?? null);
      expect(Number(s.latency_ns)).toBe(f.reason.latencyNs);
      expect(s.slippage_ticks).toBe(f.reason.slippageTicks);
      expect(s.queue_position).toBe(f.reason.queuePosition ?? null);
      expect(s.detail).toMatchObject({ batch: f.reason.batch, tradeIndex: f.reason.tradeIndex, tradeTsNs: f.reason.tradeTsNs.toString() });
    });
    // The configured 3 ms entry latency on every strategy order; the end-of-data close has none.
    const strategyFills = fills.filter((f) => f.model === "l1-trades");
    expect(strategyFills.length).toBeGreaterThan(0);
    for (const f of strategyFills) expect(f.latency_ns).toBe("3000000");
    // Fees of the fills add up to the result's fees.
    expect(fills.reduce((s, f) => s + Number(f.fee_cents), 0)).toBe(engine.metrics.feesCents);
  });

  it("assigns every fill to its round trip: per side the fill contracts equal the trip's, entry and exit are the first and last fill", () => {
    expect(trips.length).toBe(engine.trades.length);
    expect(trips.length).toBeGreaterThan(10);
    expect(fills[fills.length - 1].position_after).toBe(0);
    for (const trip of trips) {
      const own = fills
        .map((f) => ({ f, qty: qtyInTrade({ tradeSeq: f.trade_seq, side: f.side, qty: f.qty, positionAfter: f.position_after }, trip.seq) }))
        .filter((x) => x.qty > 0);
      const entryQty = own.filter((x) => x.f.side === trip.side).reduce((s, x) => s + x.qty, 0);
      const exitQty = own.filter((x) => x.f.side === -trip.side).reduce((s, x) => s + x.qty, 0);
      expect(entryQty, `trip ${trip.seq} entry`).toBe(trip.qty);
      expect(exitQty, `trip ${trip.seq} exit`).toBe(trip.qty);
      expect(BigInt(own[0].f.ts_ns)).toBe(trip.entryNs);
      expect(BigInt(own[own.length - 1].f.ts_ns)).toBe(trip.exitNs);
    }
    // Every fill belongs to some trip.
    const covered = new Set(trips.flatMap((t) => fills.filter((f) => qtyInTrade({ tradeSeq: f.trade_seq, side: f.side, qty: f.qty, positionAfter: f.position_after }, t.seq) > 0).map((f) => f.seq)));
    expect(covered.size).toBe(fills.length);
  });

  it("charts a trade with its fills and the other fills inside the window", async () => {
    const trip = trips[Math.floor(trips.length / 2)];
    const res = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trip.seq) } });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.fillsSource).toBe("fills");
    expect(body.fillsTruncated).toBe(false);
    const { fromNs, toNs } = chartWindowNs(trip.entryNs, trip.exitNs);
    // The expected set, computed from the stored rows: the trip's fills plus every fill in the window.
    const own = fills.filter((f) => qtyInTrade({ tradeSeq: f.trade_seq, side: f.side, qty: f.qty, positionAfter: f.position_after }, trip.seq) > 0);
    const inWindow = fills.filter((f) => BigInt(f.ts_ns) >= fromNs && BigInt(f.ts_ns) < toNs);
    const expected = [...new Set([...own, ...inWindow].map((f) => f.seq))].sort((a, b) => a - b);
    expect(body.fills.map((f: { seq: number }) => f.seq)).toEqual(expected);
    const mine = body.fills.filter((f: { tradeQty: number }) => f.tradeQty > 0);
    expect(mine.map((f: { seq: number }) => f.seq)).toEqual(own.map((f) => f.seq));
    const first = mine[0];
    const stored = own[0];
    expect(first).toMatchObject({ orderId: stored.order_id, tsNs: stored.ts_ns, side: stored.side, qty: stored.qty, price: stored.price, model: "l1-trades", latencyNs: 3_000_000, queuePosition: null });
    expect(first.tsMs).toBe(Number(BigInt(stored.ts_ns) / 1000n) / 1000);
    // Buys minus sells of the trip's own contracts: flat again.
    expect(mine.reduce((s: number, f: { side: number; tradeQty: number }) => s + f.side * f.tradeQty, 0)).toBe(0);
  });

  it("exports fills.csv and fills.json with one row per fill and the audit columns", async () => {
    // CSV: through the handler directly (the route caller parses JSON).
    const handler = routes["runs/[id]/export"].GET;
    const req = new Request(`http://localhost/api/runs/${runId}/export?format=fills.csv`, { headers: { authorization: `Bearer ${tokens.ana}` } });
    const res = await handler(req, { params: Promise.resolve({ id: runId }) });
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="fills-audited-fills.csv"');
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines).toHaveLength(fills.length + 1);
    const header = lines[0].split(",");
    expect(header).toEqual(["seq", "round_trip", "order_id", "time", "side", "qty", "price", "price_ticks", "fee_usd", "position_after", "model", "rule", "latency_ns", "response_latency_ns", "slippage_ticks", "queue_position", "market_trade_time"]);
    const row = lines[1].split(",");
    const f = fills[0];
    expect(row[header.indexOf("seq")]).toBe("1");
    expect(row[header.indexOf("side")]).toBe(f.side > 0 ? "buy" : "sell");
    expect(Number(row[header.indexOf("price")])).toBe(f.price);
    expect(row[header.indexOf("latency_ns")]).toBe("3000000");
    expect(row[header.indexOf("queue_position")]).toBe("");
    // Buys minus sells over the whole file: the run ends flat.
    const signed = lines.slice(1).reduce((s, line) => {
      const cells = line.split(",");
      return s + (cells[header.indexOf("side")] === "buy" ? 1 : -1) * Number(cells[header.indexOf("qty")]);
    }, 0);
    expect(signed).toBe(0);
    const json = await call("runs/[id]/export", "GET", { as: "ana", params: { id: runId }, query: "?format=fills.json" });
    expect(json.status).toBe(200);
    expect(json.body).toHaveLength(fills.length);
    expect(json.body[0]).toMatchObject({ seq: 1, orderId: f.order_id, tsNs: f.ts_ns, model: f.model, latencyNs: 3_000_000 });
  });

  it("deletes the fills with the run", async () => {
    await db.pool.query("DELETE FROM runs WHERE id = $1", [runId]);
    const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM run_fills WHERE run_id = $1", [runId]);
    expect(rows[0].n).toBe(0);
  });
});
