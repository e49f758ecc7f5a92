/**
 * Coverage of a dataset against the exchange calendar: for every CME session date between the
 * dataset's first and last tick, how many ticks it holds, so gaps (a session without data) stand
 * out; plus the calendar roll dates (CME convention: 8 calendar days before the front contract's
 * last trade) that fall in the range.
 */
import type pg from "pg";
import { sessionDate, sessionsBetween, type SessionKind } from "../market/session-calendar";
import { listContracts } from "../market/contract-symbol";
import { countTradesInRanges } from "./tick-blocks";

export interface SessionCoverage {
  sessionDate: string;
  kind: SessionKind;
  holiday: string | null;
  ticks: number;
  /** A trading session of the calendar without any tick. */
  gap: boolean;
}

export interface RollDate {
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

const DAY_MS = 86_400_000;
export const CALENDAR_ROLL_DAYS = 8;

export function rollDatesBetween(root: string, fromMs: number, toMs: number): RollDate[] {
  const contracts = listContracts(root, BigInt(fromMs - 400 * DAY_MS) * 1_000_000n, 12);
  const rolls: RollDate[] = [];
  for (let i = 0; i + 1 < contracts.length; i++) {
    const rollMs = Number(contracts[i].lastTradeNs / 1_000_000n) - CALENDAR_ROLL_DAYS * DAY_MS;
    if (rollMs < fromMs || rollMs > toMs) continue;
    rolls.push({ sessionDate: sessionDate(rollMs), from: contracts[i].symbol, to: contracts[i + 1].symbol });
  }
  return rolls;
}

export async function datasetCoverage(
  db: pg.Pool,
  dataset: { id: number; instrument: string; startNs: bigint | null; endNs: bigint | null; recordCount: number },
  calendarVersion: string,
): Promise<Coverage> {
  if (dataset.startNs === null || dataset.endNs === null) {
    return { calendarVersion, sessions: [], gaps: 0, outsideSessions: 0, rolls: [] };
  }
  const startMs = Number(dataset.startNs / 1_000_000n);
  const endMs = Number(dataset.endNs / 1_000_000n);
  const sessions = sessionsBetween(sessionDate(startMs), sessionDate(endMs));
  const counts = await countTradesInRanges(
    db,
    dataset.id,
    sessions.map((s) => ({ fromNs: s.openNs, toNs: s.closeNs })),
  );
  const rows = sessions.map((s, i) => ({ sessionDate: s.sessionDate, kind: s.kind, holiday: s.holiday, ticks: counts[i], gap: counts[i] === 0 }));
  const inSessions = counts.reduce((a, b) => a + b, 0);
  return {
    calendarVersion,
    sessions: rows,
    gaps: rows.filter((r) => r.gap).length,
    outsideSessions: Math.max(0, dataset.recordCount - inSessions),
    rolls: rollDatesBetween(dataset.instrument, startMs, endMs),
  };
}
