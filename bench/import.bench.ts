/**
 * Import throughput end to end (issue 3: >= 1,000,000 records/s on 2 cores): the real
 * `importTrades` reads a DBN trades file (5,000,000 MNQH5 trades over the five sessions of
 * 2025-03-03..07) and decodes, validates (calendar, order, expiry, price band), encodes blocks,
 * COPYs them into a fresh dataset and COMMITs - the content hash and metadata reads included.
 * Median of 3 imports, each into a new dataset (deleted and vacuumed after). For information, the
 * same pipeline on the Databento CSV of the first 1,000,000 of those trades.
 *
 *   node --import tsx bench/import.bench.ts [trades=5000000]
 *   BENCH_PG_PORT=54379 (embedded PostgreSQL under .data/bench-import-pg); DATABASE_URL: a migrated server
 *
 * The files are generated once into .data/bench-import/ and reused. Prints a summary and one JSON line.
 */
import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { loadavg } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { loadEnv } from "../lib/config/env";
import { deleteDataset } from "../lib/data/datasets";
import { encodeMetadata } from "../lib/data/dbn/test-support";
import { importTrades, type ImportReport } from "../lib/data/import/import-trades";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";
import { createPool } from "../lib/db/pool";
import { createPrisma } from "../lib/db/prisma";
import { sessionFor } from "../lib/market/session-calendar";
import { median } from "./support/measure";

const TOTAL = Number(process.argv[2] ?? 5_000_000);
const CSV_TRADES = Math.min(TOTAL, 1_000_000);
const RUNS = 3;
const DIR = ".data/bench-import";
const SESSIONS = ["2025-03-03", "2025-03-04", "2025-03-05", "2025-03-06", "2025-03-07"];
const RECORD = 48;
const TICK_NANO = 250_000_000n;

/** Deterministic trades: random-walk price around 20000.00, ~10% prints sharing a timestamp. */
function* generateTrades(total: number): Generator<{ tsNs: bigint; priceTicks: number; size: number; side: number }> {
  let seed = 20250303;
  const rand = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 4294967296;
  };
  let price = 80_000;
  let k = 0;
  for (let s = 0; s < SESSIONS.length; s++) {
    const session = sessionFor(SESSIONS[s])!;
    const n = Math.floor((total * (s + 1)) / SESSIONS.length) - Math.floor((total * s) / SESSIONS.length);
    const span = Number(session.closeNs - session.openNs) - 2e9;
    const step = span / n;
    let offset = 1e9;
    for (let i = 0; i < n; i++, k++) {
      if (i > 0 && rand() >= 0.1) offset += Math.floor(rand() * 2 * step);
      if (offset > span) offset = span;
      if (rand() < 0.3) price += rand() < 0.5 ? -1 : 1;
      yield { tsNs: session.openNs + BigInt(offset), priceTicks: price, size: rand() < 0.9 ? 1 + Math.floor(rand() * 4) : 1 + Math.floor(rand() * 200), side: rand() < 0.5 ? 1 : -1 };
    }
  }
}

/** Writes the DBN (v3, trades schema, plain) and the Databento CSV of the first CSV_TRADES trades. */
function ensureFiles(): { dbn: string; csv: string } {
  mkdirSync(DIR, { recursive: true });
  const dbn = path.join(DIR, `mnqh5-trades-${TOTAL}.dbn`);
  const csv = path.join(DIR, `mnqh5-trades-${CSV_TRADES}.csv`);
  if (existsSync(dbn) && existsSync(csv)) return { dbn, csv };
  const t0 = performance.now();
  const dbnFd = openSync(`${dbn}.tmp`, "w");
  const csvFd = openSync(`${csv}.tmp`, "w");
  writeSync(dbnFd, encodeMetadata({ version: 3, schema: 4, symbols: ["MNQH5"], startNs: sessionFor(SESSIONS[0])!.openNs, endNs: sessionFor(SESSIONS[SESSIONS.length - 1])!.closeNs }));
  writeSync(csvFd, "ts_recv,ts_event,rtype,publisher_id,instrument_id,action,side,depth,price,size,flags,ts_in_delta,sequence,symbol\n");
  const CHUNK = 65_536;
  const buffer = Buffer.alloc(CHUNK * RECORD);
  let lines: string[] = [];
  let n = 0;
  for (const t of generateTrades(TOTAL)) {
    const o = (n % CHUNK) * RECORD;
    const tsEvent = t.tsNs - 20_000n;
    buffer[o] = RECORD / 4;
    buffer[o + 1] = 0;
    buffer.writeUInt16LE(1, o + 2);
    buffer.writeUInt32LE(42_000, o + 4);
    buffer.writeBigUInt64LE(tsEvent, o + 8);
    buffer.writeBigInt64LE(BigInt(t.priceTicks) * TICK_NANO, o + 16);
    buffer.writeUInt32LE(t.size, o + 24);
    buffer[o + 28] = 0x54; // 'T'
    buffer[o + 29] = t.side > 0 ? 0x42 : 0x41; // aggressor 'B' buy / 'A' sell
    buffer[o + 30] = 130;
    buffer[o + 31] = 0;
    buffer.writeBigUInt64LE(t.tsNs, o + 32);
    buffer.writeInt32LE(20_000, o + 40);
    buffer.writeUInt32LE(n + 1, o + 44);
    if (n < CSV_TRADES) {
      lines.push(`${t.tsNs},${tsEvent},0,1,42000,T,${t.side > 0 ? "B" : "A"},0,${BigInt(t.priceTicks) * TICK_NANO},${t.size},130,20000,${n + 1},MNQH5`);
      if (lines.length === CHUNK) {
        writeSync(csvFd, `${lines.join("\n")}\n`);
        lines = [];
      }
    }
    n++;
    if (n % CHUNK === 0) writeSync(dbnFd, buffer);
  }
  if (n % CHUNK) writeSync(dbnFd, buffer.subarray(0, (n % CHUNK) * RECORD));
  if (lines.length) writeSync(csvFd, `${lines.join("\n")}\n`);
  closeSync(dbnFd);
  closeSync(csvFd);
  renameSync(`${dbn}.tmp`, dbn);
  renameSync(`${csv}.tmp`, csv);
  console.log(`generated ${n.toLocaleString("en")} trades into ${DIR} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { dbn, csv };
}

async function connect(): Promise<{ url: string; embedded?: EmbeddedPostgresHandle }> {
  const { DATABASE_URL } = loadEnv();
  if (DATABASE_URL) return { url: DATABASE_URL };
  const embedded = await startEmbeddedPostgres({ dataDir: ".data/bench-import-pg", port: Number(process.env.BENCH_PG_PORT ?? 54379) });
  await ensureDatabase(embedded.adminUrl, "tickbench_bench");
  const url = embedded.urlFor("tickbench_bench");
  await migrate({ databaseUrl: url });
  return { url, embedded };
}

async function main(): Promise<void> {
  const files = ensureFiles();
  const { url, embedded } = await connect();
  const pool: pg.Pool = createPool(url, 4);
  const db = createPrisma(url, 2);
  const loadBefore = loadavg()[0];
  const names: string[] = [];
  const importOnce = async (file: string, name: string): Promise<{ sec: number; report: ImportReport }> => {
    if (await db.dataset.findUnique({ where: { name } })) await deleteDataset(db, pool, name);
    await pool.query("VACUUM trade_blocks");
    names.push(name);
    const t0 = performance.now();
    const report = await importTrades(db, pool, { files: [file], dataset: name });
    return { sec: (performance.now() - t0) / 1000, report };
  };
  try {
    const dbnRuns: { sec: number; report: ImportReport }[] = [];
    for (let run = 0; run < RUNS; run++) {
      const r = await importOnce(files.dbn, `bench-import-dbn-${run}`);
      if (r.report.accepted !== TOTAL) throw new Error(`accepted ${r.report.accepted} of ${TOTAL} (${JSON.stringify(r.report.rejectedByReason)})`);
      dbnRuns.push(r);
      console.log(`  dbn run ${run + 1}: ${r.sec.toFixed(3)} s = ${(TOTAL / r.sec / 1e6).toFixed(2)} M records/s`);
      await deleteDataset(db, pool, `bench-import-dbn-${run}`);
    }
    const csvRun = await importOnce(files.csv, "bench-import-csv");
    if (csvRun.report.accepted !== CSV_TRADES) throw new Error(`csv: accepted ${csvRun.report.accepted} of ${CSV_TRADES}`);
    await deleteDataset(db, pool, "bench-import-csv");

    const secs = dbnRuns.map((r) => r.sec);
    const medianSec = median(secs);
    const { rows: v } = await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    const result = {
      bench: "import",
      records: TOTAL,
      dbnBytes: statSync(files.dbn).size,
      server: `PostgreSQL ${v[0].v}${embedded ? " (embedded)" : ""}`,
      dbnMedianSec: round(medianSec),
      dbnRunsSec: secs.map(round),
      dbnRecordsPerSec: Math.round(TOTAL / medianSec),
      dbnBestRecordsPerSec: Math.round(TOTAL / Math.min(...secs)),
      goalRecordsPerSec: 1_000_000,
      priceBandFlags: dbnRuns[0].report.flags ?? {},
      csvRecords: CSV_TRADES,
      csvSec: round(csvRun.sec),
      csvRecordsPerSec: Math.round(CSV_TRADES / csvRun.sec),
      loadAvg: [round(loadBefore), round(loadavg()[0])],
    };
    const m = (x: number) => (x / 1e6).toFixed(2);
    console.log(`dbn -> rows: ${TOTAL.toLocaleString("en")} records, median ${result.dbnMedianSec} s of ${result.dbnRunsSec.join(" / ")} s = ${m(result.dbnRecordsPerSec)} M records/s (best ${m(result.dbnBestRecordsPerSec)}; goal 1.00)`);
    console.log(`databento csv -> rows (information): ${CSV_TRADES.toLocaleString("en")} records in ${result.csvSec} s = ${m(result.csvRecordsPerSec)} M records/s`);
    console.log(`load average (1 min) before / after: ${result.loadAvg.join(" / ")}`);
    console.log(JSON.stringify(result));
  } finally {
    for (const name of names) if (await db.dataset.findUnique({ where: { name } }).catch(() => null)) await deleteDataset(db, pool, name).catch(() => {});
    await db.$disconnect();
    await pool.end();
    await embedded?.stop();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
