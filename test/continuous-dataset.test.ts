import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, inProcessExecutor, runRow } from "./support/system";
import { continuousDetail, deleteDataset, generateDataset, getDataset, getDatasetDetail } from "../lib/data/datasets";
import { createContinuousDataset, dailyVolumes, readContinuousInfo } from "../lib/data/continuous-datasets";
import { readTrades } from "../lib/data/tick-blocks";
import { importTrades } from "../lib/data/import/import-trades";
import { getContractSpec } from "../lib/market/contract-spec";
import { tsRecvNsAt } from "../lib/market/trade-columns";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";
import type { ResultMetricsDto } from "../lib/runs/run-dto";
import type { CreateRunInput } from "../lib/runs/run-config";
import type { Principal } from "../lib/auth/roles";

const utc = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const TICK_NANO = getContractSpec("MNQ").tickSizeNano;
/** MNQH5 expires 2025-03-21 09:30 ET; CME's calendar roll: 8 days before, session 2025-03-13, open 17:00 CDT on 03-12. */
const CALENDAR_ROLL_NS = utc("2025-03-12T22:00:00Z");

/**
 * Continuous datasets over generated dated contracts (MNQH5, MNQM5; sessions 2025-03-10..14),
 * their roll schedules, and runs through the real executor (in-process and in the sandbox thread).
 */
describe("continuous datasets and rolls (real PostgreSQL)", () => {
  let db: TestDatabase;
  let boss: PgBoss;
  let principal: Principal;
  const generate = (name: string, instrument: string, from: string, to: string) =>
    generateDataset(db.prisma, db.pool, { name, instrument, from, to, seed: 7, intensity: 0.05 });
  const datasetId = async (name: string) => (await getDataset(db.prisma, name)).id;
  /** Price and time of a dataset's last trade before `ns` / first trade at or after it. */
  const tradeAround = async (name: string, ns: bigint, side: "before" | "after") => {
    let found: { priceTicks: number; tsNs: bigint } | null = null;
    const range = side === "before" ? { toNs: ns } : { fromNs: ns };
    for await (const batch of readTrades(db.pool, { datasetId: await datasetId(name), tickSizeNano: TICK_NANO, ...range })) {
      if (batch.length === 0) continue;
      const i = side === "before" ? batch.length - 1 : 0;
      if (side === "after" && found !== null) continue;
      found = { priceTicks: batch.priceTicks[i], tsNs: tsRecvNsAt(batch, i) };
    }
    return found!;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    await generate("mnq-h5", "MNQH5", "2025-03-10", "2025-03-14");
    await generate("mnq-m5", "MNQM5", "2025-03-10", "2025-03-14");
    boss = await startBoss(db.url, "sender");
    const admin = await db.prisma.user.findFirstOrThrow();
    principal = { userId: admin.id, email: admin.email, name: admin.name, role: "admin", via: "token" };
  }, 120_000);
  afterAll(async () => {
    await boss?.stop({ graceful: false, wait: true });
    await db.drop();
  });

  it("generates dated-contract datasets: the contract in the DTO, its own price level (carry), nothing after its expiry", async () => {
    const h5 = await getDataset(db.prisma, "mnq-h5");
    const m5 = await getDataset(db.prisma, "mnq-m5");
    expect(h5).toMatchObject({ instrument: "MNQ", kind: "single", contract: "MNQH5", rollRule: null });
    expect(m5).toMatchObject({ contract: "MNQM5", provenance: { contract: "MNQM5", intensity: 0.05 } });
    // The next quarter trades 0.8 % higher (synthetic carry): ~170 points = ~680 ticks at 21,000.
    const a = await tradeAround("mnq-h5", CALENDAR_ROLL_NS, "before");
    const b = await tradeAround("mnq-m5", CALENDAR_ROLL_NS, "after");
    expect(b.priceTicks - a.priceTicks).toBeGreaterThan(400);
    expect(b.priceTicks - a.priceTicks).toBeLessThan(1000);
    // A contract is generated only up to its last trade (MNQH5: 2025-03-21 13:30 UTC).
    const expiring = await generate("mnq-h5-end", "MNQH5", "2025-03-20", "2025-03-24");
    expect(expiring.sessions).toBe(2);
    expect(BigInt(Date.parse(expiring.dataset.end!)) * 1_000_000n).toBeLessThan(utc("2025-03-21T13:30:00Z"));
    await deleteDataset(db.prisma, db.pool, "mnq-h5-end");
  });

  it("creates a continuous dataset with the calendar rule: components in expiry order, the roll at the open of 2025-03-13", async () => {
    const id = await createContinuousDataset(db.pool, { name: "mnq-cal", components: ["mnq-m5", "mnq-h5"] });
    const dto = await getDataset(db.prisma, "mnq-cal");
    expect(dto).toMatchObject({ kind: "continuous", instrument: "MNQ", contract: null, rollRule: { kind: "calendar", daysBeforeExpiry: 8 }, status: "ready" });
    const detail = await continuousDetail(db.prisma, id);
    expect(detail).toEqual({
      components: [
        { name: "mnq-h5", contract: "MNQH5", position: 0, from: null, to: "2025-03-12T22:00:00.000Z" },
        { name: "mnq-m5", contract: "MNQM5", position: 1, from: "2025-03-12T22:00:00.000Z", to: null },
      ],
      rolls: [{ atNs: CALENDAR_ROLL_NS.toString(), at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }],
    });
    // Record count: MNQH5 before the roll + MNQM5 from the roll on.
    const { rows } = await db.pool.query<{ n: string }>(
      `SELECT (SELECT record_count FROM datasets WHERE name = 'mnq-cal')::text AS n`,
    );
    const count = async (name: string, range: { fromNs?: bigint; toNs?: bigint }) => {
      let n = 0;
      for await (const batch of readTrades(db.pool, { datasetId: await datasetId(name), tickSizeNano: TICK_NANO, ...range })) n += batch.length;
      return n;
    };
    expect(Number(rows[0].n)).toBe((await count("mnq-h5", { toNs: CALENDAR_ROLL_NS })) + (await count("mnq-m5", { fromNs: CALENDAR_ROLL_NS })));

    // The coverage calendar counts the contract traded in each session and marks the dataset's own roll.
    const { coverage } = await getDatasetDetail(db.prisma, db.pool, "mnq-cal");
    expect(coverage.rolls).toEqual([{ sessionDate: "2025-03-13", from: "MNQH5", to: "MNQM5" }]);
    expect(coverage.sessions.map((c) => c.sessionDate)).toEqual(["2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14"]);
    expect(coverage.gaps).toBe(0);
    expect(coverage.sessions.reduce((sum, c) => sum + c.ticks, 0)).toBe(Number(rows[0].n));
    const open13 = CALENDAR_ROLL_NS;
    const open12 = utc("2025-03-11T22:00:00Z");
    expect(coverage.sessions[2].ticks).toBe(await count("mnq-h5", { fromNs: open12, toNs: open13 }));
    expect(coverage.sessions[3].ticks).toBe(await count("mnq-m5", { fromNs: open13, toNs: utc("2025-03-13T21:00:00Z") }));

    // Files go into a component, never into the continuous dataset itself.
    const trades = "../shared/fixtures/databento/databento-dbn/tests/data/test_data.trades.v3.dbn.zst";
    await expect(importTrades(db.prisma, db.pool, { files: [trades], dataset: "mnq-cal", instrument: "MNQH5" })).rejects.toThrow(/continuous series over other datasets; import into one of its components/);
  });

  it("with the volume rule rolls at the session after the first one where the next contract traded more", async () => {
    const [h5, m5] = await Promise.all([
      dailyVolumes(db.pool, await datasetId("mnq-h5"), "MNQH5", TICK_NANO),
      dailyVolumes(db.pool, await datasetId("mnq-m5"), "MNQM5", TICK_NANO),
    ]);
    const sessions = h5.map((row) => row.sessionDate);
    expect(sessions).toEqual(["2025-03-10", "2025-03-11", "2025-03-12", "2025-03-13", "2025-03-14"]);
    const crossover = sessions.findIndex((date, k) => m5[k].sessionDate === date && m5[k].volume > h5[k].volume);
    // The synthetic hand-over is centred 10.5 days before MNQH5's expiry session (03-21): between 03-10 and 03-11.
    expect(sessions[crossover]).toBe("2025-03-11");
    const id = await createContinuousDataset(db.pool, { name: "mnq-vol", components: ["mnq-h5", "mnq-m5"], rollRule: { kind: "volume" } });
    const info = await readContinuousInfo(db.prisma, id);
    expect(info?.rolls.map((r) => [r.sessionDate, r.fromContract, r.toContract])).toEqual([[sessions[crossover + 1], "MNQH5", "MNQM5"]]);
    expect(info?.rolls[0].atNs).toBe(utc("2025-03-11T22:00:00Z"));
  });

  it("accepts manual roll dates and refuses invalid continuous datasets with clear errors", async () => {
    const id = await createContinuousDataset(db.pool, { name: "mnq-man", components: ["mnq-h5", "mnq-m5"], rollRule: { kind: "manual", dates: ["2025-03-14"] } });
    expect((await readContinuousInfo(db.prisma, id))?.rolls.map((r) => r.sessionDate)).toEqual(["2025-03-14"]);

    const create = (name: string, components: string[], rollRule?: Parameters<typeof createContinuousDataset>[1]["rollRule"]) =>
      createContinuousDataset(db.pool, { name, components, ...(rollRule ? { rollRule } : {}) });
    await expect(create("mnq-cal", ["mnq-h5", "mnq-m5"])).rejects.toMatchObject({ code: "conflict" });
    await expect(create("x1", ["mnq-h5", "mnq-m5"], { kind: "manual", dates: ["2025-03-12", "2025-03-13"] })).rejects.toThrow(/needs 1 roll dates, got 2/);
    await expect(create("x2", ["mnq-h5", "nope"])).rejects.toMatchObject({ code: "not_found" });
    await generate("mnq-root", "MNQ", "2025-03-10", "2025-03-10");
    await expect(create("x3", ["mnq-h5", "mnq-root"])).rejects.toThrow(/mnq-root does not hold a dated contract/);
    await generate("mnq-u5", "MNQU5", "2025-03-13", "2025-03-14");
    await expect(create("x4", ["mnq-h5", "mnq-u5"])).rejects.toThrow(/after MNQH5 comes MNQM5, not MNQU5/);
    // MNQM5 from 03-13 only: no trades in 03-12, the session before the calendar roll.
    await generate("mnq-m5-late", "MNQM5", "2025-03-13", "2025-03-14");
    await expect(create("x5", ["mnq-h5", "mnq-m5-late"])).rejects.toThrow(/does not overlap around the roll MNQH5 -> MNQM5 on 2025-03-13: mnq-m5-late has no trades in the session 2025-03-12/);
    expect(await db.prisma.dataset.count({ where: { name: { in: ["x1", "x2", "x3", "x4", "x5"] } } })).toBe(0);
  });

  it("runs sma-cross over the continuous dataset: two roll fills at the roll, split round trips, schedule recorded, same result in the sandbox thread", async () => {
    const newRun = () =>
      createRun({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 }, principal, {
        datasetName: "mnq-cal",
        strategyId: "sma-cross",
        params: { fast: 5, slow: 20 },
        config: { seed: 3, feePerSideUsd: 0.57 },
      } as CreateRunInput);
    const inProcess = await newRun();
    const inThread = await newRun();
    await executeRun(inProcessExecutor(db, { progressIntervalMs: 0, chunkEvents: 7_919 }), inProcess.id);
    await executeRun(
      inProcessExecutor(db, { progressIntervalMs: 0, sandbox: { databaseUrl: db.url, memoryMb: 1024, handlerBudgetMs: 5_000, testStrategies: false } }),
      inThread.id,
    );
    const dataset = await db.prisma.dataset.findUniqueOrThrow({ where: { name: "mnq-cal" } });
    expect(await runRow(db, inProcess.id)).toMatchObject({ status: "succeeded", progress: 1, processed: Number(dataset.recordCount) });
    expect(await runRow(db, inThread.id)).toMatchObject({ status: "succeeded", progress: 1 });
    const [a, b] = await Promise.all([inProcess.id, inThread.id].map((runId) => db.prisma.runResult.findUniqueOrThrow({ where: { runId } })));
    expect(a.resultHash).toBe(b.resultHash);
    expect(a.metrics).toEqual(b.metrics);

    const metrics = a.metrics as unknown as ResultMetricsDto;
    expect(metrics.rollSchedule).toEqual({
      rule: { kind: "calendar", daysBeforeExpiry: 8 },
      contracts: ["MNQH5", "MNQM5"],
      rolls: [{ atNs: CALENDAR_ROLL_NS.toString(), at: "2025-03-12T22:00:00.000Z", sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }],
    });
    // sma-cross is always in the market once warmed up: one contract is rolled, at the old
    // contract's last trade before the roll and the new one's first trade from it on.
    const before = await tradeAround("mnq-h5", CALENDAR_ROLL_NS, "before");
    const after = await tradeAround("mnq-m5", CALENDAR_ROLL_NS, "after");
    expect(metrics.rolls).toHaveLength(1);
    const roll = metrics.rolls![0];
    expect(Math.abs(roll.closedQty)).toBe(1);
    expect(roll).toMatchObject({ at: "2025-03-12T22:00:00.000Z", fromContract: "MNQH5", toContract: "MNQM5", fromPriceTicks: before.priceTicks, toPriceTicks: after.priceTicks });
    expect(roll.fillIds).toHaveLength(2);
    expect(roll.fillIds[1]).toBe(roll.fillIds[0] + 1);

    // Round trips split at the roll: one ends at the roll at the old price, the next starts there at the new price.
    const trades = await db.prisma.runTrade.findMany({ where: { runId: inProcess.id }, orderBy: { seq: "asc" } });
    const k = trades.findIndex((t) => t.exitNs === CALENDAR_ROLL_NS);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(Number(trades[k].exitPrice)).toBe(before.priceTicks * 0.25);
    expect(trades[k + 1]).toMatchObject({ entryNs: CALENDAR_ROLL_NS, side: trades[k].side, qty: 1 });
    expect(Number(trades[k + 1].entryPrice)).toBe(after.priceTicks * 0.25);
    // Fees of both roll legs: 57 cents each, on top of the old and new round trips' own sides.
    expect(Number(trades[k].feesCents)).toBe(114);
    expect(Number(trades[k + 1].feesCents)).toBe(114);
  }, 120_000);

  it("a run starting after the roll replays the new contract only, with no roll executed", async () => {
    const from = "2025-03-13T12:00:00.000Z";
    const run = await createRun({ db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 2 }, principal, {
      datasetName: "mnq-cal",
      strategyId: "sma-cross",
      params: { fast: 5, slow: 20 },
      config: { seed: 3, from },
    } as CreateRunInput);
    await executeRun(inProcessExecutor(db, { progressIntervalMs: 0 }), run.id);
    let expected = 0;
    for await (const batch of readTrades(db.pool, { datasetId: await datasetId("mnq-m5"), tickSizeNano: TICK_NANO, fromNs: utc(from) })) expected += batch.length;
    expect(await runRow(db, run.id)).toMatchObject({ status: "succeeded", processed: expected });
    const metrics = (await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } })).metrics as unknown as ResultMetricsDto;
    expect(metrics.rolls).toEqual([]);
    expect(metrics.rollSchedule?.contracts).toEqual(["MNQH5", "MNQM5"]);
  });

  it("refuses to delete a component while a continuous dataset uses it (409), then allows it", async () => {
    await expect(deleteDataset(db.prisma, db.pool, "mnq-man")).resolves.toBeUndefined();
    await expect(deleteDataset(db.prisma, db.pool, "mnq-h5")).rejects.toMatchObject({
      code: "conflict",
      message: "Dataset mnq-h5 is a component of the continuous datasets mnq-cal, mnq-vol: delete them first",
    });
    expect(await db.pool.query("SELECT 1 FROM datasets WHERE name = 'mnq-h5'").then((r) => r.rowCount)).toBe(1);
    // The foreign key restricts it too, whatever the code path.
    await expect(db.pool.query("DELETE FROM datasets WHERE name = 'mnq-h5'")).rejects.toThrow(/foreign key/);
  });

  it("CLI: creates a continuous dataset, shows its components and roll dates, refuses to delete a component", () => {
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, ["bin/tickbench.mjs", ...args], { encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const created = cli("dataset", "continuous", "cli-cont", "--components", "mnq-m5,mnq-h5", "--roll", "manual:2025-03-13", "--json");
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      name: "cli-cont",
      kind: "continuous",
      rollRule: { kind: "manual", dates: ["2025-03-13"] },
      continuous: { components: [{ contract: "MNQH5" }, { contract: "MNQM5" }], rolls: [{ sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }] },
    });
    const shown = cli("dataset", "show", "cli-cont");
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).continuous.rolls[0]).toMatchObject({ at: "2025-03-12T22:00:00.000Z" });
    const bad = cli("dataset", "continuous", "cli-bad", "--components", "mnq-h5,mnq-m5", "--roll", "weekly");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid roll rule "weekly"');
    const refused = cli("dataset", "delete", "mnq-m5");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is a component of the continuous datasets cli-cont, mnq-cal, mnq-vol");
  }, 120_000);
});
