/**
 * Per-file real PostgreSQL databases for integration tests (see test/global-setup.ts).
 *   const db = await createTestDatabase();   // fresh, migrated database
 *   db.url / db.pool / db.prisma; await db.drop() in afterAll
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { createPool } from "../lib/db/pool";
import { createPrisma } from "../lib/db/prisma";

export interface TestDatabase {
  name: string;
  url: string;
  adminUrl: string;
  pool: pg.Pool;
  prisma: ReturnType<typeof createPrisma>;
  drop(): Promise<void>;
}

export function databaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `tickbench_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(adminUrl, name);
  const pool = createPool(url, 10);
  const prisma = createPrisma(url, 5);
  return {
    name,
    url,
    adminUrl,
    pool,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await pool.end();
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
      await c.end();
    },
  };
}
