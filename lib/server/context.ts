/**
 * Process-wide services of a web instance (Prisma, a pg pool, pg-boss in send-only mode,
 * better-auth, logger), created once on first use. Kept on globalThis because Next bundles route
 * handlers separately from server.ts: without it each bundle would open its own connections.
 */
import type PgBoss from "pg-boss";
import type pg from "pg";
import { createAuth, type Auth } from "../auth/auth";
import { resolveAuthSecret } from "../auth/secret";
import { loadEnv, type Env } from "../config/env";
import { createPool } from "../db/pool";
import { createPrisma, type Db } from "../db/prisma";
import { startBoss } from "../jobs/queue";
import { createLogger, type Logger } from "../log/logger";

export interface ServerContext {
  env: Env;
  db: Db;
  pool: pg.Pool;
  boss: PgBoss;
  auth: Auth;
  log: Logger;
}

const KEY = Symbol.for("tickbench.serverContext");
type Holder = { [KEY]?: Promise<ServerContext> };

async function create(): Promise<ServerContext> {
  const env = loadEnv();
  if (!env.DATABASE_URL) throw new Error("DATABASE_URL is not set (npm start sets it for the embedded PostgreSQL)");
  const log = createLogger("web", env.LOG_LEVEL);
  const db = createPrisma(env.DATABASE_URL, 10);
  const pool = createPool(env.DATABASE_URL, 10);
  const boss = await startBoss(env.DATABASE_URL, "sender");
  const secret = await resolveAuthSecret(db, env.AUTH_SECRET);
  const auth = createAuth({ pool, secret, baseURL: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`, signInAttemptsPerMinute: env.AUTH_SIGNIN_PER_MINUTE });
  return { env, db, pool, boss, auth, log };
}

export function getServerContext(): Promise<ServerContext> {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    holder[KEY] = create().catch((error) => {
      delete holder[KEY];
      throw error;
    });
  }
  return holder[KEY];
}
