/**
 * Brings a database up to date: SQL migrations, the pg-boss schema and queues, instruments,
 * the first admin, and (optionally) the demo dataset. Idempotent; used by `npm start`,
 * `tickbench migrate` and the end-to-end tests.
 */
import type { Env } from "../config/env";
import { migrate } from "../db/migrate";
import { createPool } from "../db/pool";
import { createPrisma } from "../db/prisma";
import { ensureQueues, startBoss } from "../jobs/queue";
import { ensureInitialAdmin } from "../auth/users";
import { generateDataset, syncInstruments } from "../data/datasets";

export const DEMO_DATASET = "mnq-demo";

export interface BootstrapOptions {
  env: Env;
  databaseUrl: string;
  seedDemo: boolean;
  /** Create the first admin when there are no users (default true). */
  createAdmin?: boolean;
  log: (message: string) => void;
}

/** Five sessions of synthetic MNQ trades in a fixed week (reproducible for everyone). */
export const DEMO_RANGE = { from: "2025-03-03", to: "2025-03-07", seed: 42 } as const;

export async function bootstrapDatabase({ env, databaseUrl, seedDemo, createAdmin = true, log }: BootstrapOptions): Promise<void> {
  const applied = await migrate({ databaseUrl });
  if (applied.length) log(`applied migrations: ${applied.join(", ")}`);
  const boss = await startBoss(databaseUrl, "migrator");
  await ensureQueues(boss, env.RUN_TIME_LIMIT_SEC);
  await boss.stop({ graceful: false, wait: true });

  const db = createPrisma(databaseUrl, 2);
  const pool = createPool(databaseUrl, 2);
  try {
    await syncInstruments(db);
    const admin = createAdmin ? await ensureInitialAdmin(db, { email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD }) : null;
    if (admin?.generated) {
      // Printed exactly once, on the first start; it is not stored anywhere in clear.
      log(`\n  Created the first admin account:\n    email:    ${admin.email}\n    password: ${admin.password}\n  (set ADMIN_EMAIL / ADMIN_PASSWORD to choose them)\n`);
    } else if (admin) {
      log(`created the first admin account ${admin.email} from ADMIN_EMAIL/ADMIN_PASSWORD`);
    }
    if (seedDemo && (await db.dataset.count()) === 0) {
      log(`seeding the demo dataset ${DEMO_DATASET} (${DEMO_RANGE.from}..${DEMO_RANGE.to})...`);
      const report = await generateDataset(db, pool, { name: DEMO_DATASET, instrument: "MNQ", ...DEMO_RANGE });
      log(`seeded ${report.records.toLocaleString("en-US")} MNQ trades in ${report.sessions} sessions (${report.ms} ms)`);
    }
  } finally {
    await db.$disconnect();
    await pool.end();
  }
}
