import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { importTrades } from "../lib/data/import/import-trades";
import { getDataset } from "../lib/data/datasets";
import { finishBacktest, prepareBacktest, replaySlices } from "../lib/runs/backtest-replay";
import type { BacktestResult } from "../lib/engine/result";

const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
/** MNQH5's last trading time: Friday 2025-03-21 09:30 ET = 13:30 UTC (DOMAIN.md section 1). */
const EXPIRY_NS = utc("2025-03-21T13:30:00Z");

/**
 * A single dated-contract dataset gives the engine its contract's last trading time: trading stops
 * there (the position is closed at the last trade before it, an "expiry" fill, and nothing trades
 * after), whereas the same trades in a dataset of the root symbol trade on to the end of data.
 * The file keeps prints after the expiry (rule afterExpiry: keep) so there is data beyond it.
 */
describe("contract expiry of a single dated-contract dataset (real PostgreSQL)", () => {
  let db: TestDatabase;
  let file: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    // One print every 15 s from 13:00 to 14:00 UTC, in a zigzag of 40 ticks per 4 minutes:
    // sma-cross (1-minute bars, 2/3) changes its mind every few minutes, before and after 13:30.
    const lines = ["time,price,size"];
    for (let k = 0; k <= 240; k++) {
      const t = Date.parse("2025-03-21T13:00:00Z") + k * 15_000;
      const phase = k % 32;
      const ticks = phase < 16 ? phase * 2.5 : (32 - phase) * 2.5;
      lines.push(`${t},${(21_000 + Math.round(ticks) * 0.25).toFixed(2)},1`);
    }
    const dir = mkdtempSync(path.join(tmpdir(), "tickbench-expiry-"));
    file = path.join(dir, "mnqh5.csv");
    writeFileSync(file, `${lines.join("\n")}\n`);
    const csv = { columns: { time: "time", price: "price", size: "size" }, timeFormat: "epoch-ms" };
    for (const [dataset, instrument] of [["mnqh5-expiring", "MNQH5"], ["mnq-root", "MNQ"]]) {
      const report = await importTrades(db.prisma, db.pool, { files: [file], dataset, instrument, rules: { afterExpiry: "keep" }, format: "csv", formatOptions: { csv } });
      expect(report.accepted).toBe(241);
    }
  }, 120_000);
  afterAll(async () => {
    await db?.drop();
  });

  async function run(datasetName: string): Promise<BacktestResult> {
    const dataset = await getDataset(db.prisma, datasetName);
    const prepared = await prepareBacktest(db.prisma, {
      strategyId: "sma-cross",
      params: { barSeconds: 60, fast: 2, slow: 3, qty: 1 },
      config: { fillModel: "l1-trades" },
      datasetId: dataset.id,
      datasetName,
      seed: 1,
    });
    for await (const _ of replaySlices(db.pool, prepared, 50)) void _;
    return finishBacktest(prepared);
  }

  it("stops trading at the contract's last trading time, closing the position at the last trade before it", async () => {
    const dated = await run("mnqh5-expiring");
    const root = await run("mnq-root");
    // The root dataset trades on after 13:30 (so the data would have made the strategy trade).
    expect(root.fills.some((f) => f.tsNs > EXPIRY_NS)).toBe(true);
    // The dated one: nothing after the expiry; the position open then is closed at the last print
    // before it (13:29:45, the zigzag's value there) by an "expiry" fill.
    expect(dated.fills.filter((f) => f.tsNs >= EXPIRY_NS)).toEqual([]);
    const expiry = dated.fills.filter((f) => f.reason.model === "expiry");
    expect(expiry).toHaveLength(1);
    expect(expiry[0].tsNs).toBe(utc("2025-03-21T13:29:45Z"));
    // k = 119: phase 23 -> (32 - 23) * 2.5 = 22.5 -> 23 ticks (Math.round) above 21,000.00 = 84,000 ticks.
    expect(expiry[0].priceTicks).toBe(84_000 + 23);
    // Until the expiry both runs are the same run.
    const before = (r: BacktestResult) => r.fills.filter((f) => f.tsNs < EXPIRY_NS && f.reason.model !== "expiry");
    expect(before(dated)).toEqual(before(root));
    expect(dated.finalPositionQty).toBe(0);
  });

  it("records the contract of the import in the dataset, and refuses another contract's data in it", async () => {
    expect(await getDataset(db.prisma, "mnqh5-expiring")).toMatchObject({ contract: "MNQH5" });
    expect(await getDataset(db.prisma, "mnq-root")).toMatchObject({ contract: null });
    const csv = { columns: { time: "time", price: "price", size: "size" }, timeFormat: "epoch-ms" };
    const other = path.join(path.dirname(file), "mnqm5.csv");
    writeFileSync(other, "time,price,size\n1742562000000,21170.25,1\n");
    await expect(importTrades(db.prisma, db.pool, { files: [other], dataset: "mnqh5-expiring", instrument: "MNQM5", format: "csv", formatOptions: { csv } })).rejects.toThrow(
      /Dataset mnqh5-expiring holds MNQH5, not MNQM5/,
    );
    expect((await getDataset(db.prisma, "mnqh5-expiring")).recordCount).toBe(241);
  });
});
