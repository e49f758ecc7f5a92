import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext, inProcessExecutor, seedDataset } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";
import { createShareLink } from "../lib/runs/share-links";
import { sessionDateNs } from "../lib/market/session-calendar";

interface Trip {
  seq: number;
  side: number;
  qty: number;
  entryNs: bigint;
  exitNs: bigint;
  net: number;
}

/** GET /api/runs/:id/trades, /distribution and /:n/chart through the real route handlers. */
describe("trades API", () => {
  let db: TestDatabase;
  const tokens = { ana: "", bob: "" };
  let runId = "";
  let teamRunId = "";
  let shareToken = "";
  let otherShareToken = "";
  let trips: Trip[] = [];
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);
  /** `as: null` = no credentials. */
  const trades = (query: string, as: "ana" | "bob" | null = "ana", id = runId, headers?: Record<string, string>) =>
    headers ? callWithHeaders("runs/[id]/trades", { id }, query, headers) : call("runs/[id]/trades", "GET", { as: as ?? undefined, params: { id }, query });

  async function callWithHeaders(route: string, params: Record<string, string>, query: string, headers: Record<string, string>) {
    const res = await routes[route].GET(new Request(`http://localhost/api/${route}${query}`, { headers }), { params: Promise.resolve(params) });
    return { status: res.status, body: await res.json() };
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await seedDataset(db, "trades-demo", "2025-03-04", "2025-03-05");
    process.env.DATABASE_URL = db.url;
    const { ana, bob } = await analysts(db, "trades.test", ["ana", "bob"] as const);
    tokens.ana = ana.token;
    tokens.bob = bob.token;
    const boss = await startBoss(db.url, "sender");
    const principal = { userId: ana.id, email: ana.email, name: ana.name, role: "analyst" as const, via: "token" as const };
    const deps = { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 };
    runId = (await createRun(deps, principal, { datasetName: "trades-demo", strategyId: "sma-cross", params: { fast: 3, slow: 8, qty: 2 } })).id;
    teamRunId = (await createRun(deps, principal, { datasetName: "trades-demo", strategyId: "sma-cross", visibility: "team" })).id;
    await boss.stop({ graceful: false, wait: true });
    await executeRun(inProcessExecutor(db, { chunkEvents: 200_000 }), runId);
    await executeRun(inProcessExecutor(db, { chunkEvents: 200_000 }), teamRunId);
    shareToken = (await createShareLink(db.prisma, principal, runId, {})).token;
    otherShareToken = (await createShareLink(db.prisma, principal, teamRunId, {})).token;
    const { rows } = await db.pool.query("SELECT seq, side, qty, entry_ns::text, exit_ns::text, (pnl_cents - fees_cents)::int AS net FROM run_trades WHERE run_id = $1", [runId]);
    trips = rows.map((r) => ({ seq: r.seq, side: r.side, qty: r.qty, entryNs: BigInt(r.entry_ns), exitNs: BigInt(r.exit_ns), net: r.net }));
    routes = {
      "runs/[id]/trades": await import("../app/api/runs/[id]/trades/route"),
      "runs/[id]/trades/distribution": await import("../app/api/runs/[id]/trades/distribution/route"),
      "runs/[id]/trades/[n]/chart": await import("../app/api/runs/[id]/trades/[n]/chart/route"),
    } as unknown as RouteModules;
  }, 240_000);
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  });

  const cmp = (a: bigint | number, b: bigint | number) => (a < b ? -1 : a > b ? 1 : 0);
  const seqs = (body: { trades: { seq: number }[] }) => body.trades.map((t) => t.seq);

  it("has enough round trips over two sessions to page through", () => {
    expect(trips.length).toBeGreaterThan(60);
    const dates = new Set(trips.map((t) => sessionDateNs(t.exitNs)));
    expect([...dates].sort()).toEqual(["2025-03-04", "2025-03-05"]);
  });

  it("pages in entry order by default and reports totals", async () => {
    const first = await trades("?pageSize=25");
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 25, total: trips.length, runTotal: trips.length, pages: Math.ceil(trips.length / 25), sort: "entry", dir: "asc" });
    const expected = [...trips].sort((a, b) => cmp(a.entryNs, b.entryNs) || a.seq - b.seq).map((t) => t.seq);
    expect(seqs(first.body)).toEqual(expected.slice(0, 25));
    const second = await trades("?pageSize=25&page=2");
    expect(seqs(second.body)).toEqual(expected.slice(25, 50));
    const t = first.body.trades[0];
    const stored = trips.find((x) => x.seq === t.seq)!;
    expect(t.entryNs).toBe(stored.entryNs.toString());
    expect(Math.round(t.netUsd * 100)).toBe(stored.net);
    expect(t.durationMs).toBe(Number((stored.exitNs - stored.entryNs) / 1000n) / 1000);
    expect(first.body.filteredNetUsd * 100).toBeCloseTo(trips.reduce((s, x) => s + x.net, 0), 6);
  });

  it("sorts by net P&L, duration and quantity on the server, ties by seq", async () => {
    const byPnlDesc = [...trips].sort((a, b) => b.net - a.net || a.seq - b.seq).map((t) => t.seq);
    const pnl = await trades("?sort=pnl&dir=desc&pageSize=20&page=2");
    expect(seqs(pnl.body)).toEqual(byPnlDesc.slice(20, 40));
    const byDuration = [...trips].sort((a, b) => cmp(a.exitNs - a.entryNs, b.exitNs - b.entryNs) || a.seq - b.seq).map((t) => t.seq);
    expect(seqs((await trades("?sort=duration&pageSize=1000")).body)).toEqual(byDuration);
    const qty = await trades("?sort=qty&dir=desc&pageSize=5");
    expect(qty.body.trades.map((x: { qty: number }) => x.qty)).toEqual(Array(5).fill(2));
  });

  it("filters by side, outcome and exit session date", async () => {
    const longWinners = trips.filter((t) => t.side === 1 && t.net > 0);
    const res = await trades("?side=long&outcome=winners&pageSize=1000");
    expect(res.body.total).toBe(longWinners.length);
    expect(seqs(res.body).sort((a: number, b: number) => a - b)).toEqual(longWinners.map((t) => t.seq).sort((a, b) => a - b));
    const losers = trips.filter((t) => t.net < 0);
    expect((await trades("?outcome=losers")).body.total).toBe(losers.length);
    const day2 = trips.filter((t) => sessionDateNs(t.exitNs) === "2025-03-05");
    const filtered = await trades("?from=2025-03-05&to=2025-03-05&pageSize=1000");
    expect(filtered.body.total).toBe(day2.length);
    expect(day2.length).toBeGreaterThan(0);
    expect(day2.length).toBeLessThan(trips.length);
    expect(filtered.body.filteredNetUsd * 100).toBeCloseTo(day2.reduce((s, x) => s + x.net, 0), 6);
    expect((await trades("?to=2025-03-04")).body.total).toBe(trips.length - day2.length);
  });

  it("rejects malformed queries with 400", async () => {
    expect((await trades("?sort=name")).status).toBe(400);
    expect((await trades("?pageSize=5000")).status).toBe(400);
    expect((await trades("?from=2025-13-01")).status).toBe(400);
  });

  it("answers 404 for another user's private run, 401 without credentials, 200 for a team run", async () => {
    expect((await trades("", "bob")).status).toBe(404);
    expect((await trades("", null)).status).toBe(401);
    expect((await trades("", "bob", teamRunId)).status).toBe(200);
    expect((await trades("", "ana", "00000000-0000-0000-0000-000000000000")).status).toBe(404);
  });

  it("accepts a share token for its own run only, and never once revoked", async () => {
    const shared = await trades("?pageSize=10", null, runId, { "x-share-token": shareToken });
    expect(shared.status).toBe(200);
    expect(shared.body.total).toBe(trips.length);
    expect((await trades("", null, teamRunId, { "x-share-token": shareToken })).status).toBe(404);
    expect((await trades("", null, runId, { "x-share-token": otherShareToken })).status).toBe(404);
    expect((await trades("", null, runId, { "x-share-token": "x".repeat(43) })).status).toBe(404);
    await db.pool.query("UPDATE share_links SET revoked_at = now() WHERE run_id = $1", [teamRunId]);
    expect((await trades("", null, teamRunId, { "x-share-token": otherShareToken })).status).toBe(404);
  });

  it("returns the net P&L distribution of every trip", async () => {
    const res = await call("runs/[id]/trades/distribution", "GET", { as: "ana", params: { id: runId } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(trips.length);
    expect(res.body.winners).toBe(trips.filter((t) => t.net > 0).length);
    expect(res.body.losers).toBe(trips.filter((t) => t.net < 0).length);
    for (const bin of res.body.bins) expect(bin.count).toBe(trips.filter((t) => t.net >= bin.loCents && t.net < bin.hiCents).length);
    expect((await call("runs/[id]/trades/distribution", "GET", { as: "bob", params: { id: runId } })).status).toBe(404);
  });

  it("charts the bars around a trade from the dataset's ticks, with entry and exit markers", async () => {
    const trip = trips[Math.floor(trips.length / 2)];
    const res = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trip.seq) } });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.available).toBe(true);
    expect(body.bars.length).toBeGreaterThan(5);
    const entryMs = Number(trip.entryNs / 1000n) / 1000;
    const exitMs = Number(trip.exitNs / 1000n) / 1000;
    expect(body.markers.map((m: { kind: string; tsMs: number }) => [m.kind, m.tsMs])).toEqual([["entry", entryMs], ["exit", exitMs]]);
    // Bars cover the window around the trade, ascending, and contain the fill prices.
    expect(body.fromMs).toBeLessThan(entryMs);
    expect(body.toMs).toBeGreaterThan(exitMs);
    const starts = body.bars.map((b: { tMs: number }) => b.tMs);
    expect(starts).toEqual([...starts].sort((a: number, b: number) => a - b));
    const step = { "1s": 1000, "5s": 5000, "10s": 10_000, "30s": 30_000, "1m": 60_000, "5m": 300_000 }[body.interval as string]!;
    const barAt = (ms: number) => body.bars.find((b: { tMs: number }) => b.tMs === Math.floor(ms / step) * step);
    const entryBar = barAt(entryMs);
    expect(entryBar).toBeDefined();
    expect(body.trade.entryPrice).toBeGreaterThanOrEqual(entryBar.low);
    expect(body.trade.entryPrice).toBeLessThanOrEqual(entryBar.high);
    // The tick count equals the store's count over the window.
    const { rows } = await db.pool.query("SELECT sum(tick_count)::int AS n FROM trade_blocks WHERE dataset_id = (SELECT dataset_id FROM runs WHERE id = $1)", [runId]);
    expect(body.ticks).toBeGreaterThan(0);
    expect(body.ticks).toBeLessThan(rows[0].n);
    expect(body.bars.reduce((s: number, b: { trades: number }) => s + b.trades, 0)).toBe(body.ticks);
    // A chosen interval, and one with too many bars.
    const minute = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trip.seq) }, query: "?interval=1m" });
    expect(minute.body.interval).toBe("1m");
    expect(minute.body.bars.reduce((s: number, b: { volume: number }) => s + b.volume, 0)).toBe(body.bars.reduce((s: number, b: { volume: number }) => s + b.volume, 0));
    expect((await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: "999999" } })).status).toBe(404);
    expect((await call("runs/[id]/trades/[n]/chart", "GET", { as: "bob", params: { id: runId, n: String(trip.seq) } })).status).toBe(404);
    const viaShare = await callWithHeaders("runs/[id]/trades/[n]/chart", { id: runId, n: String(trip.seq) }, "", { "x-share-token": shareToken });
    expect(viaShare.status).toBe(200);
  });

  it("gives the trade's own fills with the chart: each side's contracts equal the trip's quantity, at the trip's entry and exit times", async () => {
    for (const trip of [trips[0], trips[Math.floor(trips.length / 3)], trips[trips.length - 1]]) {
      const res = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trip.seq) } });
      expect(res.status).toBe(200);
      expect(res.body.fillsSource).toBe("fills");
      const own = res.body.fills.filter((f: { tradeQty: number }) => f.tradeQty > 0) as { side: number; tradeQty: number; tsNs: string; model: string; price: number }[];
      const qty = (side: number) => own.filter((f) => f.side === side).reduce((s, f) => s + f.tradeQty, 0);
      expect(qty(trip.side), `trip ${trip.seq} entry`).toBe(trip.qty);
      expect(qty(-trip.side), `trip ${trip.seq} exit`).toBe(trip.qty);
      expect(own[0].tsNs).toBe(trip.entryNs.toString());
      expect(own[own.length - 1].tsNs).toBe(trip.exitNs.toString());
      // Fill prices are on the MNQ grid (quarter points).
      for (const f of own) expect(Number.isInteger(f.price * 4)).toBe(true);
    }
    // The last trip ends with the engine's end-of-data close.
    const last = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trips[trips.length - 1].seq) } });
    const closes = last.body.fills.filter((f: { tradeQty: number }) => f.tradeQty > 0);
    expect(closes[closes.length - 1].model).toBe("end-of-data");
  });

  it("explains a deleted dataset instead of failing", async () => {
    await db.pool.query("UPDATE runs SET dataset_id = NULL WHERE id = $1", [runId]);
    const res = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trips[0].seq) } });
    expect(res.status).toBe(200);
    expect(res.body.available).toBe(false);
    expect(res.body.message).toMatch(/deleted/);
    expect(res.body.bars).toEqual([]);
    expect(res.body.markers).toHaveLength(2);
  });

  it("still lists the trade's stored fills once the dataset is deleted", async () => {
    const trip = trips[1];
    const res = await call("runs/[id]/trades/[n]/chart", "GET", { as: "ana", params: { id: runId, n: String(trip.seq) } });
    expect(res.body.available).toBe(false);
    const own = res.body.fills.filter((f: { tradeQty: number }) => f.tradeQty > 0);
    expect(own.length).toBeGreaterThanOrEqual(2);
    expect(own.reduce((s: number, f: { side: number; tradeQty: number }) => s + f.side * f.tradeQty, 0)).toBe(0);
  });
});
