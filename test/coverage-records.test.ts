import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { bootstrapTestDatabase } from "./support/system";
import { decodeDbnFile, decodeMboFile } from "../lib/data/dbn/dbn-file";
import { getDatasetDetail } from "../lib/data/datasets";
import { countRecordsInRanges } from "../lib/data/block-store";
import { importTrades } from "../lib/data/import/import-trades";
import { sessionDate, sessionsBetween } from "../lib/market/session-calendar";

const DIR = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/";
const ESH4 = `${DIR}esh4-glbx-mdp3-20231225.mbo.dbn.zst`;
const ESU4_MBP1 = `${DIR}historical_bars_catalog/databento/futures_mbp-1_2024-07-01T23-58_2024-07-02T00-02.dbn.zst`;

/** Records of `times` per session of the calendar between the first and the last one (the expectation, by hand). */
function perSession(times: bigint[]): { sessionDate: string; ticks: number }[] {
  const sorted = [...times].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const sessions = sessionsBetween(sessionDate(Number(sorted[0] / 1_000_000n)), sessionDate(Number(sorted.at(-1)! / 1_000_000n)));
  return sessions.map((s) => ({ sessionDate: s.sessionDate, ticks: times.filter((t) => t >= s.openNs && t < s.closeNs).length }));
}

/**
 * The coverage calendar of quote and MBO datasets counts their records per CME session (not their
 * trades, which such datasets may not have), exactly, including across block boundaries.
 */
describe("coverage of quote and MBO datasets (real PostgreSQL)", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await bootstrapTestDatabase(db);
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  it("counts the MBO records of the ESH4 Christmas file per session: the reopening session and the records outside any", async () => {
    await importTrades(db.prisma, db.pool, { files: [ESH4], dataset: "cov-esh4-mbo", instrument: "ESH4" });
    const times: bigint[] = [];
    for await (const batch of decodeMboFile(ESH4, { batchSize: 1_000_000 })) {
      for (let i = 0; i < batch.length; i++) times.push(batch.baseNs + BigInt(batch.tsRecvOffsetNs[i]));
    }
    expect(times.length).toBeGreaterThan(65_536); // two blocks: one crosses a session boundary
    const expected = perSession(times);
    const inSessions = expected.reduce((a, s) => a + s.ticks, 0);
    expect(inSessions).toBeGreaterThan(0);
    expect(inSessions).toBeLessThan(times.length); // Christmas Day: pre-open records outside any session

    const detail = await getDatasetDetail(db.prisma, db.pool, "cov-esh4-mbo");
    expect(detail.coverage.sessions.map((s) => ({ sessionDate: s.sessionDate, ticks: s.ticks }))).toEqual(expected);
    expect(detail.coverage.outsideSessions).toBe(times.length - inSessions);
    expect(detail.recordCount).toBe(times.length);
    expect(detail.storedRecords).toEqual({ trades: 2_973, quotes: 0, depth: 0, mbo: times.length }); // the trades derived from the T records
  });

  it("counts the quotes of an MBP-1 dataset, and any range of records exactly", async () => {
    await importTrades(db.prisma, db.pool, { files: [ESU4_MBP1], dataset: "cov-esu4-mbp1", instrument: "ESU4" });
    const times: bigint[] = [];
    for await (const record of decodeDbnFile(ESU4_MBP1)) if (record.kind === "mbp-1") times.push(record.tsRecvNs);
    const detail = await getDatasetDetail(db.prisma, db.pool, "cov-esu4-mbp1");
    expect(detail.storedRecords).toMatchObject({ quotes: times.length, depth: 0, mbo: 0 });
    expect(detail.coverage.sessions.map((s) => ({ sessionDate: s.sessionDate, ticks: s.ticks }))).toEqual(perSession(times));
    // Arbitrary ranges inside the data: the minute boundaries of the file's span.
    const minute = 60_000_000_000n;
    const start = (times[0] / minute) * minute;
    const ranges = [0n, 1n, 2n, 3n].map((k) => ({ fromNs: start + k * minute, toNs: start + (k + 1n) * minute }));
    const counts = await countRecordsInRanges(db.pool, "quote_blocks", detail.id, ranges);
    expect(counts).toEqual(ranges.map((r) => times.filter((t) => t >= r.fromNs && t < r.toNs).length));
    expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});
