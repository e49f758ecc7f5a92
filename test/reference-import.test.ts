import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase, closeServerContext } from "./support/system";
import { analysts, routeCaller, type RouteModules } from "./support/routes";
import { generateDataset, getDataset } from "../lib/data/datasets";
import { createContinuousDataset, parseRollRuleArg, readContinuousInfo } from "../lib/data/continuous-datasets";
import { importTrades } from "../lib/data/import/import-trades";
import type { ReferenceImportReport } from "../lib/data/import/import-reference";
import { getImportReport } from "../lib/data/import/import-report";
import { dailyOpenInterest, nanoToDecimal, readReferenceData, statTypeName, statTypeOf } from "../lib/data/reference-data";
import { datasetShowCommand, type ReferenceSummary } from "../lib/cli/dataset-show-command";
import { concatBytes, encodeMetadata, encodeTrade, fixture } from "../lib/data/dbn/test-support";
import { zstdDecompress } from "../lib/data/dbn/zstd";
import { OPERATIONS } from "../lib/openapi/document";

const DBN = "databento-dbn/tests/data/";
const DEF_V = (v: 1 | 2 | 3) => fixture(`${DBN}test_data.definition.v${v}.dbn.zst`);
const STATS_V1 = fixture(`${DBN}test_data.statistics.v1.dbn.zst`);
const STATS_V3 = fixture(`${DBN}test_data.statistics.v3.dbn.zst`);
const PY = "databento-python/tests/data/GLBX.MDP3/";
const PY_STATS = fixture(`${PY}test_data.statistics.dbn.zst`);
const PY_DEF = fixture(`${PY}test_data.definition.dbn.zst`);
const NT = "nautilus_trader/tests/test_data/databento/";
const ES_FUT_DEF = fixture(`${NT}definition-glbx-es-fut.dbn.zst`);
const ES_SPREAD_DEF = fixture(`${NT}definition-glbx-es-futspread.dbn.zst`);
const ESU4_TRADES = fixture(`${NT}historical_bars_catalog/databento/futures_trades_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`);
const ESU4_NQU4_DEF = fixture(`${NT}historical_bars_catalog/databento/futures_definition.dbn.zst`);

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

interface StatSpec {
  instrumentId: number;
  tsRecvNs: bigint;
  tsRefNs?: bigint;
  statType: number;
  priceNano?: bigint;
  quantity?: bigint;
  sequence?: number;
  updateAction?: number;
  statFlags?: number;
}

/** A DBN v3 statistics record (80 bytes; records-other.ts layout). */
function encodeStat(r: StatSpec): Uint8Array {
  const out = new Uint8Array(80);
  const dv = new DataView(out.buffer);
  out[0] = 20;
  out[1] = 0x18;
  dv.setUint16(2, 1, true);
  dv.setUint32(4, r.instrumentId, true);
  dv.setBigUint64(8, r.tsRecvNs - 2000n, true);
  dv.setBigUint64(16, r.tsRecvNs, true);
  dv.setBigUint64(24, r.tsRefNs ?? 0xffff_ffff_ffff_ffffn, true);
  dv.setBigInt64(32, r.priceNano ?? 0x7fff_ffff_ffff_ffffn, true);
  dv.setBigInt64(40, r.quantity ?? 0x7fff_ffff_ffff_ffffn, true);
  dv.setUint32(48, r.sequence ?? 1, true);
  dv.setInt32(52, 1500, true);
  dv.setUint16(56, r.statType, true);
  dv.setUint16(58, 3, true);
  out[60] = r.updateAction ?? 1;
  out[61] = r.statFlags ?? 255;
  return out;
}

/** A statistics file (DBN v3) mapping each symbol to its instrument id over `dates`. */
function statsFile(dir: string, name: string, symbols: Record<string, number>, records: StatSpec[], tail: Uint8Array[] = []): string {
  const mappings = Object.entries(symbols).map(([rawSymbol, id]) => ({ rawSymbol, intervals: [{ startDate: 20250301, endDate: 20250401, symbol: String(id) }] }));
  const metadata = encodeMetadata({ version: 3, schema: 10, stypeIn: 1, stypeOut: 0, symbols: Object.keys(symbols), mappings });
  const file = path.join(dir, name);
  writeFileSync(file, concatBytes(metadata, ...records.map(encodeStat), ...tail));
  return file;
}

/** The typed columns of the stored rows of one import run (everything but ids and the raw JSON). */
async function storedRows(db: TestDatabase, table: "instrument_definitions" | "market_statistics", importRunId: string) {
  const { rows } = await db.pool.query(`SELECT * FROM ${table} WHERE import_run_id = $1 ORDER BY record_index`, [importRunId]);
  return rows.map(({ id: _id, import_run_id: _run, dataset_id: _ds, raw: _raw, ...rest }) => rest);
}

describe("reference data: Databento definitions and statistics (real PostgreSQL)", () => {
  let db: TestDatabase;
  const tmp = mkdtempSync(path.join(tmpdir(), "tickbench-reference-"));
  const tokens: Record<"ana", string> = { ana: "" };
  let routes: RouteModules;
  const call = routeCaller(() => routes, tokens);
  const imp = (files: string[], dataset: string, extra: { instrument?: string } = {}) =>
    importTrades(db.prisma, db.pool, { files, dataset, ...extra }) as Promise<ReferenceImportReport>;
  const count = async (table: string, datasetName: string) =>
    Number((await db.pool.query(`SELECT count(*) AS n FROM ${table} t JOIN datasets d ON d.id = t.dataset_id WHERE d.name = $1`, [datasetName])).rows[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
    // ESU4 trades (real), an ESM3 and an ESH1 dataset (generated dated contracts, one session each).
    await importTrades(db.prisma, db.pool, { files: [ESU4_TRADES], dataset: "esu4" });
    await generateDataset(db.prisma, db.pool, { name: "es-m3", instrument: "ESM3", from: "2023-04-03", to: "2023-04-03", seed: 3, intensity: 0.02 });
    await generateDataset(db.prisma, db.pool, { name: "es-h1", instrument: "ESH1", from: "2020-12-28", to: "2020-12-28", seed: 3, intensity: 0.02 });
    process.env.DATABASE_URL = db.url;
    tokens.ana = (await analysts(db, "ref.test", ["ana"] as const)).ana.token;
    routes = { "datasets/[name]/reference": await import("../app/api/datasets/[name]/reference/route") } as unknown as RouteModules;
  }, 120_000);
  afterAll(async () => {
    await closeServerContext();
    await db.drop();
  }, 60_000);

  it("stores both records of the ES futures definition file, marks ESM3 as the dataset's contract and checks it against the spec", async () => {
    const report = await imp([ES_FUT_DEF], "es-m3");
    expect(report).toMatchObject({ format: "dbn", skipped: false, read: 2, accepted: 2, rejected: 0, instruments: ["ESM3"] });
    expect(report.reference).toMatchObject({ contract: "ESM3", definitions: 2, statistics: 0, matching: { definitions: 2, statistics: 0 }, warnings: [] });
    const rows = await storedRows(db, "instrument_definitions", report.importRunId!);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      record_index: 0,
      instrument_id: "95414",
      raw_symbol: "ESM3",
      instrument_class: "F",
      security_type: "FUT",
      matches_contract: true,
      // 64-bit values exact: 2023-06-16 09:30 EDT, 0.25, $50 per point, limits 3850.00..4425.00.
      expiration_ns: "1686922200000000000",
      min_price_increment_nano: "250000000",
      display_factor_nano: "10000000",
      unit_of_measure: "IPNT",
      unit_of_measure_qty_nano: "50000000000",
      contract_multiplier: null,
      currency: "USD",
      maturity_year: 2023,
      maturity_month: 6,
      high_limit_price_nano: "4425000000000",
      low_limit_price_nano: "3850000000000",
      market_segment_id: "64",
    });
    expect(rows[0].checks).toEqual([
      { field: "tick_size", expected: "0.25", actual: "0.25", ok: true },
      { field: "multiplier", expected: "50", actual: "50", ok: true },
      { field: "currency", expected: "USD", actual: "USD", ok: true },
      { field: "expiration", expected: "2023-06-16T13:30:00.000Z", actual: "2023-06-16T13:30:00.000Z", ok: true },
    ]);
    // The whole record is kept as JSON too, bigints as strings.
    const { rows: raw } = await db.pool.query("SELECT raw FROM instrument_definitions WHERE import_run_id = $1 ORDER BY record_index", [report.importRunId]);
    expect(raw[0].raw).toMatchObject({ kind: "definition", rawSymbol: "ESM3", expirationNs: "1686922200000000000", group: "ES", cfi: "FFIXSX" });

    const ref = await readReferenceData(db.pool, "es-m3");
    expect(ref).toMatchObject({ dataset: "es-m3", root: "ES", contract: "ESM3", definitions: { count: 2, instruments: 1, matching: 2 } });
    // The latest definition of the contract (received 2023-04-03, the second record).
    expect(ref.definitions.contract).toHaveLength(1);
    expect(ref.definitions.contract[0]).toMatchObject({
      rawSymbol: "ESM3",
      tsRecv: "2023-04-03T00:00:00.000000000Z",
      minPriceIncrement: "0.25",
      multiplier: "50",
      expiration: "2023-06-16T13:30:00.000000000Z",
      highLimitPrice: "4425",
      lowLimitPrice: "3850",
    });
    expect(ref.definitions.contract[0].checks.every((c) => c.ok)).toBe(true);
  });

  it("keeps every definition of a file, spreads and other roots too, marking only the dataset's contract", async () => {
    const both = await imp([ESU4_NQU4_DEF], "esu4");
    expect(both.reference).toMatchObject({ contract: "ESU4", definitions: 2, matching: { definitions: 1 }, warnings: [] });
    const rows = await storedRows(db, "instrument_definitions", both.importRunId!);
    expect(rows.map((r) => [r.raw_symbol, r.matches_contract, r.unit_of_measure_qty_nano])).toEqual([
      ["ESU4", true, "50000000000"],
      ["NQU4", false, "20000000000"],
    ]);
    // NQU4 is not the dataset's contract: stored, not checked.
    expect(rows[1].checks).toEqual([]);
    // The ESU4 definition's expiry agrees with the computed last trading time (DOMAIN.md: 2024-09-20 13:30 UTC).
    expect(rows[0].checks.find((c: { field: string }) => c.field === "expiration")).toEqual({ field: "expiration", expected: "2024-09-20T13:30:00.000Z", actual: "2024-09-20T13:30:00.000Z", ok: true });

    const spreads = await imp([ES_SPREAD_DEF], "esu4");
    const spreadRows = await storedRows(db, "instrument_definitions", spreads.importRunId!);
    expect(spreadRows.length).toBe(spreads.read);
    expect(spreadRows.every((r) => r.instrument_class === "S" && r.raw_symbol.includes("-") && !r.matches_contract)).toBe(true);
    expect(spreads.reference.warnings).toEqual(["The definition records hold no definition of ESU4: stored, none marked as the dataset's contract"]);
    // The warning is kept with the import run and shown in its report.
    const dto = await getImportReport(db.prisma, spreads.importRunId!);
    expect(dto).toMatchObject({ status: "succeeded", read: spreads.read, accepted: spreads.read, rejected: 0 });
    expect(dto.warnings).toEqual(spreads.reference.warnings);
    expect((await getImportReport(db.prisma, both.importRunId!)).warnings).toEqual([]);
  });

  it("stores the same rows from the v1, v2 and v3 definition files (the raw JSON keeps each version's own fields)", async () => {
    const runs = [];
    for (const v of [1, 2, 3] as const) {
      const report = await imp([DEF_V(v)], "es-h1");
      expect(report).toMatchObject({ read: 2, accepted: 2, reference: { definitions: 2, matching: { definitions: 0 } } });
      runs.push(await storedRows(db, "instrument_definitions", report.importRunId!));
    }
    expect(runs[0].map((r) => [r.instrument_id, r.raw_symbol, r.instrument_class, r.ts_recv_ns, r.display_factor_nano, r.exchange])).toEqual([
      ["6819", "MSFT", "K", "1633331241618029519", "100000000000000", "XNAS"],
      ["6830", "MSFT", "K", "1633417621703120931", "100000000000000", "XNAS"],
    ]);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });

  it("stores the same rows from the v1 and v3 statistics files; a symbol the file does not tell stays unknown, not guessed", async () => {
    const runs = [];
    for (const file of [STATS_V1, STATS_V3]) {
      const report = await imp([file], "es-h1");
      expect(report.reference).toMatchObject({
        definitions: 0,
        statistics: 2,
        matching: { statistics: 0 },
        statisticsByType: { lowest_offer: 1, trading_session_high_price: 1 },
        statisticsWithoutSymbol: 2,
        unknownStatTypes: [],
      });
      expect(report.reference.warnings).toEqual(["No statistics record could be attributed to ESH1 (2 without a known symbol): stored, none marked as the dataset's contract"]);
      runs.push(await storedRows(db, "market_statistics", report.importRunId!));
    }
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[0][0]).toMatchObject({
      instrument_id: "146945",
      raw_symbol: null,
      matches_contract: false,
      ts_recv_ns: "1682269536040124325",
      ts_event_ns: "1682269536030443135",
      ts_ref_ns: null,
      stat_type: 7,
      price_nano: "100000000000",
      quantity: null,
      sequence: "2",
      update_action: 1,
      stat_flags: 255,
      channel_id: 13,
    });
    // No ts_ref: the session date of ts_event (Sunday 2023-04-23 12:05 CDT belongs to Monday's session).
    const { rows } = await db.pool.query("SELECT session_date::text AS d FROM market_statistics WHERE ts_recv_ns = 1682269536040124325 LIMIT 1");
    expect(rows[0].d).toBe("2023-04-24");
  });

  it("matches the databento-python ESH1 statistics through the file's symbology, reports them by type, and is idempotent", async () => {
    const before = await count("market_statistics", "es-h1");
    const report = await imp([PY_STATS], "es-h1");
    expect(report.reference).toMatchObject({ contract: "ESH1", statistics: 4, matching: { statistics: 4 }, statisticsByType: { highest_bid: 3, trading_session_high_price: 1 }, warnings: [] });
    expect(await count("market_statistics", "es-h1")).toBe(before + 4);

    const ref = await readReferenceData(db.pool, "es-h1");
    const byType = Object.fromEntries(ref.statistics.byType.map((t) => [t.name, [t.count, t.matching]]));
    expect(byType).toEqual({ trading_session_high_price: [3, 1], lowest_offer: [2, 0], highest_bid: [3, 3] });
    expect(ref.statistics.latest.map((s) => [s.name, s.rawSymbol, s.price, s.sessionDate])).toEqual([
      ["trading_session_high_price", "ESH1", "3708.25", "2020-12-28"],
      ["highest_bid", "ESH1", "3708.25", "2020-12-28"],
    ]);

    // The same file again: nothing changes, the first run is reported.
    const again = await imp([PY_STATS], "es-h1");
    expect(again).toMatchObject({ skipped: true, importRunId: report.importRunId, read: 0 });
    expect(await count("market_statistics", "es-h1")).toBe(before + 4);

    // With the ESH1 definition stored, statistics of a file without symbology are attributed through it.
    await imp([PY_DEF], "es-h1");
    const bare = path.join(tmp, "bare-stats.dbn");
    writeFileSync(bare, concatBytes(encodeMetadata({ version: 3, schema: 10, stypeIn: 0, stypeOut: 0 }), encodeStat({ instrumentId: 5482, tsRecvNs: ns("2020-12-28T16:00:00Z"), statType: 11, priceNano: 3_700_500_000_000n })));
    const attributed = await imp([bare], "es-h1");
    expect(attributed.reference).toMatchObject({ statistics: 1, matching: { statistics: 1 }, statisticsWithoutSymbol: 0 });
    const [row] = await storedRows(db, "market_statistics", attributed.importRunId!);
    expect(row).toMatchObject({ raw_symbol: "ESH1", matches_contract: true, stat_type: 11, price_nano: "3700500000000" });
  });

  it("reports definitions that disagree with the contract spec as warnings, keeps them with their checks, and does not refuse them", async () => {
    // The real ESM3 definition with a 0.50 tick and a $20 multiplier patched in (v1 layout: @24, @88).
    const bytes = zstdDecompress(readFileSync(ES_FUT_DEF));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const first = 8 + view.getUint32(4, true);
    for (let o = first; o < bytes.length; o += bytes[o] * 4) {
      view.setBigInt64(o + 24, 500_000_000n, true);
      view.setBigInt64(o + 88, 20_000_000_000n, true);
    }
    const patched = path.join(tmp, "esm3-patched.dbn");
    writeFileSync(patched, bytes);
    const report = await imp([patched], "es-m3");
    expect(report).toMatchObject({ read: 2, accepted: 2, skipped: false });
    expect(report.reference.warnings).toEqual([
      "ESM3 definition: tick size 0.5 differs from Tickbench's ES contract spec (0.25)",
      "ESM3 definition: multiplier (USD per point) 20 differs from Tickbench's ES contract spec (50)",
    ]);
    const rows = await storedRows(db, "instrument_definitions", report.importRunId!);
    expect(rows[1].checks.filter((c: { ok: boolean }) => !c.ok).map((c: { field: string }) => c.field)).toEqual(["tick_size", "multiplier"]);
    const ref = await readReferenceData(db.pool, "es-m3");
    expect(ref.definitions.contract[0].checks.filter((c) => !c.ok)).toHaveLength(2);
  });

  it("keeps statistics of unknown types with their number; refuses what it cannot read and leaves nothing of a failed import", async () => {
    const ts = ns("2025-03-11T12:00:00Z");
    const unknown = statsFile(tmp, "unknown-type.dbn", { ESH1: 5482 }, [{ instrumentId: 5482, tsRecvNs: ts, statType: 42, quantity: 7n }]);
    const kept = await imp([unknown], "es-h1");
    expect(kept.reference).toMatchObject({ statistics: 1, statisticsByType: { unknown_42: 1 }, unknownStatTypes: [42] });
    const ref = await readReferenceData(db.pool, "es-h1", { type: "unknown_42" });
    expect(ref.statistics.byType.find((t) => t.statType === 42)).toEqual({ statType: 42, name: "unknown_42", known: false, count: 1, matching: 1 });
    expect(ref.series.points.map((p) => [p.name, p.quantity])).toEqual([["unknown_42", "7"]]);
    expect(statTypeName(42)).toBe("unknown_42");
    expect([statTypeOf("open-interest"), statTypeOf("3"), statTypeOf("unknown_42"), statTypeOf("bogus")]).toEqual([9, 3, 42, null]);

    const rowsBefore = await count("market_statistics", "es-h1");
    const runsBefore = await db.prisma.importRun.count();
    // 600 good records (more than one insert batch) and then a trade record: nothing is stored.
    const many = Array.from({ length: 600 }, (_, i) => ({ instrumentId: 5482, tsRecvNs: ts + BigInt(i), statType: 6, quantity: BigInt(i), sequence: i }));
    const mixed = statsFile(tmp, "mixed.dbn", { ESH1: 5482 }, many, [encodeTrade({ tsEventNs: ts, tsRecvNs: ts + 1000n, priceNano: 3_700_000_000_000n, size: 1, side: "A" })]);
    await expect(imp([mixed], "es-h1")).rejects.toThrow(/mixed\.dbn, record 601 is a trade record/);
    // A truncated file (the last record cut short) is an error too.
    const truncatedBytes = zstdDecompress(readFileSync(PY_STATS));
    const truncated = path.join(tmp, "truncated.dbn");
    writeFileSync(truncated, truncatedBytes.subarray(0, truncatedBytes.length - 10));
    await expect(imp([truncated], "es-h1")).rejects.toThrow(/truncated|partial|ends/i);
    expect(await count("market_statistics", "es-h1")).toBe(rowsBefore);
    const failed = await db.prisma.importRun.findMany({ where: { status: "failed" }, orderBy: { startedAt: "asc" } });
    expect(await db.prisma.importRun.count()).toBe(runsBefore + 2);
    expect(failed.map((r) => r.error)).toEqual([expect.stringContaining("is a trade record"), expect.stringMatching(/truncated|partial|ends/i)]);
    expect(await db.pool.query("SELECT 1 FROM market_statistics WHERE import_run_id = ANY($1::uuid[])", [failed.map((r) => r.id)]).then((r) => r.rowCount)).toBe(0);

    // Reference files go into an existing dataset, alone.
    await expect(imp([PY_STATS], "no-such-dataset")).rejects.toThrow(/Dataset no-such-dataset \(definition and statistics files add reference data to an existing dataset/);
    await expect(imp([PY_DEF, ESU4_TRADES], "esu4")).rejects.toThrow(/cannot be imported together with market data/);
  });

  it("feeds the open-interest roll of a continuous dataset from stored statistics (latest revision wins, no look-ahead)", async () => {
    for (const [name, instrument] of [["mnq-h5", "MNQH5"], ["mnq-m5", "MNQM5"]]) {
      await generateDataset(db.prisma, db.pool, { name, instrument, from: "2025-03-10", to: "2025-03-14", seed: 7, intensity: 0.05 });
    }
    expect(parseRollRuleArg("open-interest")).toEqual({ kind: "open-interest" });
    // No open interest stored yet: the roll schedule's clear error.
    await expect(createContinuousDataset(db.pool, { name: "mnq-oi", components: ["mnq-h5", "mnq-m5"], rollRule: { kind: "open-interest" } })).rejects.toThrow(
      "An open-interest roll needs open interest, and the MNQ data has none: use the volume or calendar rule",
    );
    // Open interest by trading date (ts_ref), published the next morning. MNQM5 first passes MNQH5
    // on 03-11 - in a revision published after a first, lower value - so the roll is the session
    // after it, 03-12 (CME's calendar rule would roll on 03-13).
    const oi: Array<[string, string, bigint, string?]> = [
      ["MNQH5", "2025-03-10", 200_000n],
      ["MNQM5", "2025-03-10", 120_000n],
      ["MNQH5", "2025-03-11", 150_000n],
      ["MNQM5", "2025-03-11", 140_000n],
      ["MNQM5", "2025-03-11", 160_000n, "revised"],
      ["MNQH5", "2025-03-12", 90_000n],
      ["MNQM5", "2025-03-12", 210_000n],
    ];
    const ids: Record<string, number> = { MNQH5: 42001, MNQM5: 42002 };
    const records: StatSpec[] = oi.map(([symbol, date, quantity, revised], i) => ({
      instrumentId: ids[symbol],
      tsRefNs: ns(`${date}T00:00:00Z`),
      tsRecvNs: ns(`${date}T00:00:00Z`) + 86_400_000_000_000n + (revised ? 3_600_000_000_000n : 0n) + BigInt(i),
      statType: 9,
      quantity,
      sequence: i + 1,
    }));
    // Settlement prices of MNQH5 for the series: preliminary, then final (flags bit 0).
    records.push(
      { instrumentId: 42001, tsRefNs: ns("2025-03-12T00:00:00Z"), tsRecvNs: ns("2025-03-12T20:00:00Z"), statType: 3, priceNano: 20_010_250_000_000n, statFlags: 2, sequence: 90 },
      { instrumentId: 42001, tsRefNs: ns("2025-03-12T00:00:00Z"), tsRecvNs: ns("2025-03-12T23:30:00Z"), statType: 3, priceNano: 20_011_500_000_000n, statFlags: 3, sequence: 91 },
      { instrumentId: 42001, tsRefNs: ns("2025-03-11T00:00:00Z"), tsRecvNs: ns("2025-03-11T23:30:00Z"), statType: 3, priceNano: 19_950_000_000_000n, statFlags: 3, sequence: 92 },
    );
    // One parent-style file with both contracts, imported into the first component only.
    const file = statsFile(tmp, "mnq-oi.dbn", ids, records);
    const report = await imp([file], "mnq-h5");
    expect(report.reference).toMatchObject({ contract: "MNQH5", statistics: 10, matching: { statistics: 6 }, statisticsByType: { open_interest: 7, settlement_price: 3 } });

    const h5 = (await getDataset(db.prisma, "mnq-h5")).id;
    const m5 = (await getDataset(db.prisma, "mnq-m5")).id;
    expect(await dailyOpenInterest(db.pool, [h5, m5], ["MNQH5", "MNQM5"])).toEqual([
      { sessionDate: "2025-03-10", symbol: "MNQH5", openInterest: 200_000, volume: 0 },
      { sessionDate: "2025-03-10", symbol: "MNQM5", openInterest: 120_000, volume: 0 },
      { sessionDate: "2025-03-11", symbol: "MNQH5", openInterest: 150_000, volume: 0 },
      { sessionDate: "2025-03-11", symbol: "MNQM5", openInterest: 160_000, volume: 0 },
      { sessionDate: "2025-03-12", symbol: "MNQH5", openInterest: 90_000, volume: 0 },
      { sessionDate: "2025-03-12", symbol: "MNQM5", openInterest: 210_000, volume: 0 },
    ]);

    const id = await createContinuousDataset(db.pool, { name: "mnq-oi", components: ["mnq-h5", "mnq-m5"], rollRule: { kind: "open-interest" } });
    const info = await readContinuousInfo(db.prisma, id);
    expect(info!.rule).toEqual({ kind: "open-interest" });
    // Session 2025-03-12 opens at 17:00 CDT on 03-11 = 22:00 UTC.
    expect(info!.rolls).toEqual([{ atNs: ns("2025-03-11T22:00:00Z"), sessionDate: "2025-03-12", fromContract: "MNQH5", toContract: "MNQM5" }]);
    expect((await getDataset(db.prisma, "mnq-oi")).description).toContain("open-interest crossover roll");

    // Settlement prices: one per session date, the final one when it came last, newest first.
    const ref = await readReferenceData(db.pool, "mnq-h5");
    expect(ref.series.points.map((p) => [p.sessionDate, p.rawSymbol, p.price, p.final])).toEqual([
      ["2025-03-12", "MNQH5", "20011.5", true],
      ["2025-03-11", "MNQH5", "19950", true],
    ]);
    expect(ref.statistics.latest.find((s) => s.name === "open_interest")).toMatchObject({ rawSymbol: "MNQH5", sessionDate: "2025-03-12", quantity: "90000" });
  }, 120_000);

  it("serves the reference data over the API (documented in OpenAPI) and in `dataset show`", async () => {
    const op = OPERATIONS.find((o) => o.operationId === "getDatasetReference")!;
    const res = await call("datasets/[name]/reference", "GET", { as: "ana", params: { name: "mnq-h5" }, query: "?type=open_interest&limit=2" });
    expect(res.status).toBe(200);
    expect(op.responses[200].schema!.safeParse(res.body).success).toBe(true);
    expect(res.body.series).toMatchObject({ statType: 9, name: "open_interest" });
    expect(res.body.series.points.map((p: { sessionDate: string; quantity: string }) => [p.sessionDate, p.quantity])).toEqual([
      ["2025-03-12", "90000"],
      ["2025-03-11", "150000"],
    ]);
    expect((await call("datasets/[name]/reference", "GET", { as: "ana", params: { name: "mnq-h5" }, query: "?type=bogus" })).status).toBe(400);
    expect((await call("datasets/[name]/reference", "GET", { as: "ana", params: { name: "nope" } })).status).toBe(404);
    expect((await call("datasets/[name]/reference", "GET", { params: { name: "mnq-h5" } })).status).toBe(401);

    const shown = (await datasetShowCommand(db.prisma, db.pool, "esu4")) as { name: string; reference: ReferenceSummary };
    expect(shown.name).toBe("esu4");
    expect(shown.reference).toMatchObject({
      contract: "ESU4",
      definitions: { count: 4, instruments: 4, matching: 1 },
      statistics: { count: 0, matching: 0, byType: {} },
      settlements: [],
    });
    expect(shown.reference.contractDefinitions).toEqual([
      expect.objectContaining({
        rawSymbol: "ESU4",
        instrumentId: 118,
        tickSize: "0.25",
        multiplier: "50",
        currency: "USD",
        expiration: "2024-09-20T13:30:00.000000000Z",
        maturity: "2024-09",
        checks: { tick_size: "ok", multiplier: "ok", currency: "ok", expiration: "ok" },
      }),
    ]);
    expect(nanoToDecimal(-1_250_000_000n)).toBe("-1.25");
  });

  it("CLI: imports a definition file with its warning, shows the dataset's reference summary and a statistic's series", () => {
    const cli = (...args: string[]) => {
      const r = spawnSync(process.execPath, ["bin/tickbench.mjs", ...args], { encoding: "utf8", env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const imported = cli("import", ES_FUT_DEF, "--dataset", "esu4");
    expect(imported.code).toBe(0);
    expect(imported.stderr).toContain("reference data (ESU4): 2 definitions (0 of the contract), 0 statistics (0 of the contract)");
    expect(imported.stderr).toContain("warning: The definition records hold no definition of ESU4");
    const shown = cli("dataset", "show", "es-h1");
    expect(shown.code).toBe(0);
    const reference = JSON.parse(shown.stdout).reference as ReferenceSummary;
    expect(reference.contractDefinitions.map((d) => [d.rawSymbol, d.expiration, d.tickSize, d.multiplier])).toEqual([["ESH1", "2021-03-19T13:30:00.000000000Z", "0.25", "50"]]);
    expect(reference.statistics.byType.highest_bid).toEqual({ count: 3, matching: 3 });
    const series = cli("dataset", "reference", "mnq-h5", "--type", "open_interest", "--limit", "1");
    expect(series.code).toBe(0);
    expect(JSON.parse(series.stdout).series.points.map((p: { sessionDate: string; quantity: string }) => [p.sessionDate, p.quantity])).toEqual([["2025-03-12", "90000"]]);
  }, 60_000);
});
