/**
 * Applies the SQL migrations in prisma/migrations with node-pg-migrate. Safe to call from several
 * processes at once: node-pg-migrate serialises runs with an advisory lock.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";

const here = path.dirname(fileURLToPath(import.meta.url));
export const MIGRATIONS_DIR = path.resolve(here, "../../prisma/migrations");

export interface MigrateOptions {
  databaseUrl: string;
  log?: (message: string) => void;
}

export async function migrate({ databaseUrl, log }: MigrateOptions): Promise<string[]> {
  const applied = await runner({
    databaseUrl,
    dir: MIGRATIONS_DIR,
    migrationsTable: "pgmigrations",
    direction: "up",
    // Work done in parallel lands migrations whose timestamps fall between ones a database already
    // has (e.g. 8000 after 9000): apply every missing one instead of refusing to start.
    checkOrder: false,
    verbose: false,
    logger: {
      debug: () => {},
      info: (m: string) => log?.(m),
      warn: (m: string) => log?.(m),
      error: (m: string) => log?.(m),
    },
  });
  return applied.map((m) => m.name);
}
