/**
 * Process configuration, validated once with zod. Every entry point (web server, worker, CLI,
 * tests) reads configuration through `loadEnv()`; nothing else touches `process.env` for settings.
 */
import { z } from "zod";

const intFromEnv = (def: number) => z.coerce.number().int().nonnegative().default(def);

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  /** External PostgreSQL. When unset an embedded PostgreSQL is started under `.data/`. */
  DATABASE_URL: z.string().url().optional(),
  /** Port of the embedded PostgreSQL (chosen so it does not clash with a system server on 5432). */
  TICKBENCH_PG_PORT: intFromEnv(54329),
  /** Directory holding the embedded cluster and other local state. */
  TICKBENCH_DATA_DIR: z.string().default(".data"),
  PORT: intFromEnv(3000),
  HOST: z.string().default("0.0.0.0"),
  /** Public base URL used in links (share links, auth callbacks). */
  PUBLIC_URL: z.string().url().optional(),
  /** Secret used to sign session cookies; generated and kept in the data directory when unset. */
  AUTH_SECRET: z.string().min(32).optional(),
  /** Sign-in attempts allowed per client address per minute. */
  AUTH_SIGNIN_PER_MINUTE: intFromEnv(10),
  ADMIN_EMAIL: z.string().email().optional(),
  ADMIN_PASSWORD: z.string().min(8).optional(),
  /** Worker processes started by `npm start` (0 = web only). */
  WORKERS: intFromEnv(1),
  /** Backtests one worker process runs at the same time. */
  WORKER_CONCURRENCY: intFromEnv(4),
  /** Hard limit of one run's wall time, in seconds. */
  RUN_TIME_LIMIT_SEC: intFromEnv(1800),
  /** A running run whose heartbeat is older than this is marked stalled and handed to another worker. */
  RUN_STALL_AFTER_SEC: intFromEnv(15),
  /** Minimum delay between two progress messages of one run (at most ~10 per second). */
  PROGRESS_INTERVAL_MS: intFromEnv(100),
  /** Heap cap of one run's sandbox thread (V8 old generation, MB); exceeding it fails the run. */
  RUN_MEMORY_MB: z.coerce.number().int().min(16).default(1024),
  /** Wall time one call of a strategy handler may take before the run is stopped and failed. */
  STRATEGY_HANDLER_BUDGET_MS: z.coerce.number().int().min(1).default(5000),
  /** Test hook: workers also accept the runaway strategies of lib/strategies/test-strategies.ts. */
  TICKBENCH_TEST_STRATEGIES: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .transform((v) => v === "1" || v === "true"),
  /** Where browser uploads are streamed to before a worker imports them (default: <TICKBENCH_DATA_DIR>/uploads). Workers must see the same directory. */
  UPLOAD_DIR: z.string().optional(),
  /** Largest upload (all files of one import together), in bytes. Default 10 GiB. */
  UPLOAD_MAX_BYTES: intFromEnv(10 * 1024 ** 3),
  /** Seed the demo dataset on start when no dataset exists. */
  SEED_DEMO: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .transform((v) => v === "1" || v === "true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  if (source === process.env && cached) return cached;
  // An empty variable means "not set" (e.g. DATABASE_URL= to force the embedded PostgreSQL).
  const present = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration:\n${lines}`);
  }
  if (source === process.env) cached = parsed.data;
  return parsed.data;
}
