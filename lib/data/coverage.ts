/**
 * Coverage of a dataset against the exchange calendar: for every CME session date between the
 * dataset's first and last record, how many records of its schema it holds - trades; quotes for an
 * MBP-1/TBBO/BBO/MBP-10 dataset (an MBP-10 record is one quote and one depth row); MBO records for
 * an MBO dataset; bars for a bar dataset - so gaps (a session without data) stand out; plus the calendar-rule roll dates of the dataset's instrument that fall in the range (CME
 * convention, lib/market/roll-schedule.ts: the first session on or after the front contract's
 * expiry session date minus 8 calendar days - the Thursday of the week before expiry).
 */
import type pg from "pg";
import { sessionDate, sessionsBetween, type SessionKind } from "../market/session-calendar";
import { buildRollSchedule, DEFAULT_DAYS_BEFORE_EXPIRY } from "../market/roll-schedule";
import { countTradesInRanges } from "./tick-blocks";
import { countBarsInRanges, isBarSchema } from "./bar-store";
import { countRecordsInRanges, RECV_TIME_BLOCK_TABLES, type RecvTimeBlockTable } from "./block-store";

/** The block table whose records a dataset of `schema` is made of, when not trades (nor bars). */
function recordTable(schema: string | undefined): RecvTimeBlockTable | null {
  if (schema === "mbo") return "mbo_blocks";
  if (schema === "mbp-1" || schema === "mbp-10" || schema === "tbbo") return "quote_blocks";
  return null;
}

export interface SessionCoverage {
  sessionDate: string;
  kind: SessionKind;
  holiday: string | null;
  ticks: number;
  /** A trading session of the calendar without any tick. */
  gap: boolean;
}

export interface RollDate {
  /** First session traded in `to`. */
  sessionDate: string;
  from: string;
  to: string;
}

export interface Coverage {
  calendarVersion: string;
  sessions: SessionCoverage[];
  gaps: number;
  /** Ticks outside every calendar session (0 for clean data). */
  outsideSessions: number;
  rolls: RollDate[];
}

export const CALENDAR_ROLL_DAYS = DEFAULT_DAYS_BEFORE_EXPIRY;

/**
 * Calendar-rule roll dates of `root` on the session dates [fromDate, toDate] (a roll on the first
 * session of the range is included: the calendar shows the day the new contract starts).
 */
export function rollDatesBetween(root: string, fromDate: string, toDate: string): RollDate[] {
  if (sessionsBetween(fromDate, toDate).length === 0) return [];
  // A schedule lists the rolls after its first session: start it a week early, so that a roll on
  // `fromDate` itself is listed too.
  const weekBefore = new Date(Date.parse(`${fromDate}T12:00:00Z`) - 7 * 86_400_000).toISOString().slice(0, 10);
  const schedule = buildRollSchedule(root, weekBefore, toDate, { kind: "calendar", daysBeforeExpiry: CALENDAR_ROLL_DAYS });
  return schedule.rolls.filter((r) => r.sessionDate >= fromDate).map((r) => ({ sessionDate: r.sessionDate, from: r.from, to: r.to }));
}

export async function datasetCoverage(
  db: pg.Pool,
  dataset: { id: number; instrument: string; startNs: bigint | null; endNs: bigint | null; recordCount: number; schema?: string },
  calendarVersion: string,
): Promise<Coverage> {
  if (dataset.startNs === null || dataset.endNs === null) {
    return { calendarVersion, sessions: [], gaps: 0, outsideSessions: 0, rolls: [] };
  }
  const startMs = Number(dataset.startNs / 1_000_000n);
  const endMs = Number(dataset.endNs / 1_000_000n);
  const sessions = sessionsBetween(sessionDate(startMs), sessionDate(endMs));
  const ranges = sessions.map((s) => ({ fromNs: s.openNs, toNs: s.closeNs }));
  const table = recordTable(dataset.schema);
  // A bar dataset (schema ohlcv-*) counts its bars by start; quote and MBO datasets their records.
  const counts = table
    ? await countRecordsInRanges(db, table, dataset.id, ranges)
    : await (isBarSchema(dataset.schema) ? countBarsInRanges : countTradesInRanges)(db, dataset.id, ranges);
  const total = table ? await countRecords(db, table, dataset.id) : dataset.recordCount;
  const rows = sessions.map((s, i) => ({ sessionDate: s.sessionDate, kind: s.kind, holiday: s.holiday, ticks: counts[i], gap: counts[i] === 0 }));
  const inSessions = counts.reduce((a, b) => a + b, 0);
  return {
    calendarVersion,
    sessions: rows,
    gaps: rows.filter((r) => r.gap).length,
    outsideSessions: Math.max(0, total - inSessions),
    rolls: rows.length ? rollDatesBetween(dataset.instrument, rows[0].sessionDate, rows[rows.length - 1].sessionDate) : [],
  };
}

async function countRecords(db: pg.Pool, table: RecvTimeBlockTable, datasetId: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT coalesce(sum(${RECV_TIME_BLOCK_TABLES[table]}), 0)::text AS n FROM ${table} WHERE dataset_id = $1`, [datasetId]);
  return Number(rows[0].n);
}
