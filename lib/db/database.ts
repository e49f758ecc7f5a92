/**
 * Where the database is: DATABASE_URL when configured, otherwise the embedded PostgreSQL under
 * the data directory - connected to when another Tickbench process already runs it, or started
 * (and later stopped by `close()`) by this process.
 */
import type { Env } from "../config/env";
import { ensureDatabase, runningOwnedServer, startEmbeddedPostgres } from "./embedded-postgres";

export const EMBEDDED_DATABASE = "tickbench";

export interface DatabaseHandle {
  url: string;
  embedded: "none" | "started" | "shared";
  close(): Promise<void>;
}

export async function openDatabase(env: Env, log: (m: string) => void = () => {}): Promise<DatabaseHandle> {
  if (env.DATABASE_URL) return { url: env.DATABASE_URL, embedded: "none", close: async () => {} };
  const urlFor = (db: string) => `postgresql://postgres:postgres@127.0.0.1:${env.TICKBENCH_PG_PORT}/${db}`;
  if (runningOwnedServer(env.TICKBENCH_DATA_DIR)) {
    return { url: urlFor(EMBEDDED_DATABASE), embedded: "shared", close: async () => {} };
  }
  const server = await startEmbeddedPostgres({ dataDir: env.TICKBENCH_DATA_DIR, port: env.TICKBENCH_PG_PORT, log });
  await ensureDatabase(server.adminUrl, EMBEDDED_DATABASE);
  return { url: server.urlFor(EMBEDDED_DATABASE), embedded: "started", close: () => server.stop() };
}
