/**
 * Prometheus metrics (prom-client). Gauges are computed from the database at scrape time, so
 * every web instance reports the same cluster-wide figures whichever worker did the work.
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { BACKTEST_QUEUE } from "../jobs/queue";

const KEY = Symbol.for("tickbench.metrics");
type Holder = { [KEY]?: Registry };

export function metricsRegistry(pool: pg.Pool, boss: PgBoss): Registry {
  const holder = globalThis as Holder;
  if (holder[KEY]) return holder[KEY];
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "tickbench_web_" });

  new Gauge({
    name: "tickbench_queue_depth",
    help: "Backtest jobs waiting in the queue",
    registers: [registry],
    async collect() {
      this.set(await boss.getQueueSize(BACKTEST_QUEUE));
    },
  });
  new Gauge({
    name: "tickbench_runs",
    help: "Runs by status",
    labelNames: ["status"],
    registers: [registry],
    async collect() {
      const { rows } = await pool.query<{ status: string; n: string }>("SELECT status, count(*)::text AS n FROM runs GROUP BY status");
      this.reset();
      for (const s of ["queued", "running", "succeeded", "failed", "cancelled"]) this.set({ status: s }, 0);
      for (const r of rows) this.set({ status: r.status }, Number(r.n));
    },
  });
  new Gauge({
    name: "tickbench_run_duration_seconds",
    help: "Wall time of runs finished in the last 24 h (quantiles)",
    labelNames: ["quantile"],
    registers: [registry],
    async collect() {
      const { rows } = await pool.query(
        `SELECT percentile_cont(ARRAY[0.5, 0.9, 0.99]) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)) AS q,
                max(extract(epoch FROM finished_at - started_at)) AS max
           FROM runs WHERE status = 'succeeded' AND finished_at > now() - interval '24 hours'`,
      );
      const q: number[] | null = rows[0]?.q ?? null;
      this.reset();
      if (q) ["0.5", "0.9", "0.99"].forEach((label, i) => this.set({ quantile: label }, Number(q[i])));
      if (rows[0]?.max !== null && rows[0]?.max !== undefined) this.set({ quantile: "1" }, Number(rows[0].max));
    },
  });
  new Gauge({
    name: "tickbench_events_per_second",
    help: "Engine throughput: sum over running runs (current) and the last finished run",
    labelNames: ["scope"],
    registers: [registry],
    async collect() {
      const { rows } = await pool.query(
        `SELECT (SELECT coalesce(sum(events_per_sec), 0) FROM runs WHERE status = 'running') AS running,
                (SELECT events_processed / greatest(extract(epoch FROM finished_at - started_at), 0.001)
                   FROM runs WHERE status = 'succeeded' ORDER BY finished_at DESC LIMIT 1) AS last`,
      );
      this.set({ scope: "running" }, Number(rows[0].running));
      if (rows[0].last !== null) this.set({ scope: "last_run" }, Number(rows[0].last));
    },
  });
  new Gauge({
    name: "tickbench_workers_alive",
    help: "Worker processes with a recent heartbeat",
    registers: [registry],
    async collect() {
      const { rows } = await pool.query("SELECT count(*)::int AS n FROM worker_heartbeats WHERE last_seen_at > now() - interval '20 seconds'");
      this.set(rows[0].n);
    },
  });
  holder[KEY] = registry;
  return registry;
}
