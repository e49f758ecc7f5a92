/**
 * Vitest global setup: provides a real PostgreSQL for integration tests.
 * - TEST_DATABASE_URL set: that server is used (e.g. the system PostgreSQL on 5432);
 * - otherwise an embedded PostgreSQL is started under .data/test-pg (port 54339).
 * A template database with all migrations applied is created once; each test file clones it
 * (CREATE DATABASE ... TEMPLATE) so files never see each other's data.
 */
import type { TestProject } from "vitest/node";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres, type EmbeddedPostgresHandle } from "../lib/db/embedded-postgres";
import { migrate } from "../lib/db/migrate";

let embedded: EmbeddedPostgresHandle | undefined;
let adminUrl: string;
let template: string;

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function setup(project: TestProject) {
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = withDatabase(process.env.TEST_DATABASE_URL, "postgres");
  } else {
    const port = Number(process.env.TEST_PG_PORT ?? 54339);
    embedded = await startEmbeddedPostgres({ dataDir: port === 54339 ? ".data/test-pg" : `.data/test-pg-${port}`, port });
    adminUrl = embedded.adminUrl;
  }
  template = `tickbench_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Leftovers of earlier runs that were killed.
  const stale = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'tickbench_t%'");
  for (const row of stale.rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`);
  await admin.end();
  await ensureDatabase(adminUrl, template);
  await migrate({ databaseUrl: withDatabase(adminUrl, template) });
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
}

export async function teardown() {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const dbs = await admin.query("SELECT datname FROM pg_database WHERE datname LIKE 'tickbench_t%'");
  for (const row of dbs.rows) await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(row.datname)} WITH (FORCE)`);
  await admin.end();
  await embedded?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
  }
}
