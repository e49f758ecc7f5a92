/** Readiness of the system as seen by one web instance: database, queue, live workers. */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { BACKTEST_QUEUE } from "../jobs/queue";

export interface Health {
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; queued?: number; error?: string };
  workers: { ok: boolean; alive: number; ids: string[] };
}

/** A worker is alive when its heartbeat (every 5 s) is younger than this. */
const WORKER_ALIVE_SEC = 20;

export async function checkHealth(pool: pg.Pool, boss: PgBoss): Promise<Health> {
  const health: Health = { status: "ok", database: { ok: false }, queue: { ok: false }, workers: { ok: false, alive: 0, ids: [] } };
  try {
    const started = Date.now();
    await pool.query("SELECT 1");
    health.database = { ok: true, latencyMs: Date.now() - started };
  } catch (error) {
    health.database = { ok: false, error: (error as Error).message };
    health.status = "down";
    return health;
  }
  try {
    health.queue = { ok: true, queued: await boss.getQueueSize(BACKTEST_QUEUE) };
  } catch (error) {
    health.queue = { ok: false, error: (error as Error).message };
  }
  const { rows } = await pool.query<{ id: string }>(
    "SELECT id FROM worker_heartbeats WHERE last_seen_at > now() - $1::int * interval '1 second' ORDER BY id",
    [WORKER_ALIVE_SEC],
  );
  health.workers = { ok: rows.length > 0, alive: rows.length, ids: rows.map((r) => r.id) };
  if (!health.queue.ok || !health.workers.ok) health.status = "degraded";
  return health;
}
