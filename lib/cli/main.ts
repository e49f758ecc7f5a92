/**
 * `tickbench` CLI. Uses the same configuration as the app: DATABASE_URL, or the embedded
 * PostgreSQL under TICKBENCH_DATA_DIR (shared with a running `npm start`, or started for the
 * duration of the command). Commands that print `--json` write exactly one JSON value to stdout;
 * logs go to stderr.
 */
import { Command, CommanderError } from "commander";
import { loadEnv } from "../config/env";
import { openDatabase } from "../db/database";
import { createPool } from "../db/pool";
import { createPrisma, type Db } from "../db/prisma";
import type pg from "pg";
import { AppError } from "../errors";
import { bootstrapDatabase } from "../server/bootstrap";
import { createUser, findUserByEmail } from "../auth/users";
import { createApiToken } from "../auth/api-tokens";
import { continuousDetail, deleteDataset, generateDataset, getDataset, listDatasets } from "../data/datasets";
import { createContinuousDataset, parseRollRuleArg } from "../data/continuous-datasets";
import { ROLES } from "../auth/roles";
import { backtestCommand, type BacktestCommandOptions } from "./backtest-command";
import { barsCommand } from "./bars-command";
import { bookCommand, type BookCommandOptions } from "./book-command";
import { importTrades } from "../data/import/import-trades";
import type { ReferenceImportReport } from "../data/import/import-reference";
import { importFormatOptions, type ImportCliOptions } from "./import-format";
import { datasetReferenceCommand, datasetShowCommand } from "./dataset-show-command";

const err = (m: string): void => {
  process.stderr.write(`${m}\n`);
};
const out = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2)}\n`);
};

/** Opens the database (migrated), runs `fn`, and always releases everything. */
async function withDb<T>(fn: (db: Db, pool: pg.Pool) => Promise<T>, createAdmin = false): Promise<T> {
  const env = loadEnv();
  const database = await openDatabase(env);
  const db = createPrisma(database.url, 2);
  const pool = createPool(database.url, 4);
  try {
    await bootstrapDatabase({ env, databaseUrl: database.url, seedDemo: false, createAdmin, log: err });
    return await fn(db, pool);
  } finally {
    await db.$disconnect().catch(() => {});
    await pool.end().catch(() => {});
    await database.close();
  }
}

const program = new Command();
program
  .name("tickbench")
  .description("Tickbench: tick-level backtesting for CME futures")
  .version("0.1.0")
  .showHelpAfterError()
  .exitOverride();

program
  .command("migrate")
  .description("apply database migrations (and create the first admin, instruments and queues)")
  .action(() => withDb(async () => err("database is up to date"), true));

const user = program.command("user").description("manage user accounts");
user
  .command("create")
  .description("create a user")
  .requiredOption("--email <email>", "email address (login)")
  .requiredOption("--password <password>", "password (at least 8 characters)")
  .option("--role <role>", `one of ${ROLES.join(", ")}`, "analyst")
  .option("--name <name>", "display name")
  .option("--json", "print the user as JSON")
  .action((o: { email: string; password: string; role: string; name?: string; json?: boolean }) =>
    withDb(async (db) => {
      const created = await createUser(db, { email: o.email, password: o.password, role: o.role as (typeof ROLES)[number], name: o.name });
      if (o.json) out(created);
      else err(`created ${created.role} ${created.email}`);
    }),
  );

const token = program.command("token").description("manage personal API tokens");
token
  .command("create")
  .description("create a personal API token for a user and print it (shown once)")
  .requiredOption("--email <email>", "the user's email")
  .option("--name <name>", "a label for the token", "cli")
  .option("--json", "print { id, token } as JSON")
  .action((o: { email: string; name: string; json?: boolean }) =>
    withDb(async (db) => {
      const u = await findUserByEmail(db, o.email);
      const created = await createApiToken(db, u.id, o.name);
      if (o.json) out({ id: created.id, token: created.token, email: u.email });
      else process.stdout.write(`${created.token}\n`);
    }),
  );

program
  .command("generate")
  .description("generate a synthetic dataset of realistic trades (deterministic for a seed)")
  .requiredOption("--from <date>", "first session date, YYYY-MM-DD")
  .requiredOption("--to <date>", "last session date, YYYY-MM-DD")
  .requiredOption("--dataset <name>", "name of the new dataset")
  .option("--instrument <symbol>", "instrument root (MNQ) or dated contract (MNQH5: its own price level, volume share and expiry)", "MNQ")
  .option("--seed <n>", "random seed", "1")
  .option("--json", "print the report as JSON")
  .action((o: { from: string; to: string; dataset: string; instrument: string; seed: string; json?: boolean }) =>
    withDb(async (db, pool) => {
      const report = await generateDataset(db, pool, { name: o.dataset, instrument: o.instrument, from: o.from, to: o.to, seed: Number(o.seed) });
      if (o.json) out(report);
      else err(`generated ${report.records} trades in ${report.sessions} sessions into ${report.dataset.name} (${report.ms} ms)`);
    }),
  );

program
  .command("datasets")
  .description("list datasets")
  .option("--json", "print a JSON array")
  .action((o: { json?: boolean }) =>
    withDb(async (db) => {
      const datasets = await listDatasets(db);
      if (o.json) {
        out(datasets);
        return;
      }
      if (!datasets.length) {
        err("no datasets");
        return;
      }
      for (const d of datasets) {
        process.stdout.write(`${d.name.padEnd(24)} ${d.instrument.padEnd(5)} ${d.schema.padEnd(7)} v${d.version} ${d.status.padEnd(9)} ${String(d.recordCount).padStart(12)}  ${d.start ?? "-"} .. ${d.end ?? "-"}\n`);
      }
    }),
  );

program
  .command("backtest")
  .description("run a backtest in this process (no server needed) and print the result")
  .requiredOption("--dataset <name>", "dataset name")
  .requiredOption("--strategy <id>", "strategy id (e.g. sma-cross)")
  .option("--params <json>", "strategy parameters as a JSON object", "{}")
  .option("--from <time>", "start (ISO-8601 instant, inclusive)")
  .option("--to <time>", "end (ISO-8601 instant, exclusive)")
  .option("--fill-model <model>", "fill model", "l1-trades")
  .option("--latency-ms <n>", "order entry latency in ms", "0")
  .option("--config <json>", "further run configuration as a JSON object (e.g. partialFills, latency, calendar, dailySettlement, flattenAtSessionEnd)")
  .option("--fee-per-side <usd>", "fee per contract per side in USD (default: the contract's)")
  .option("--seed <n>", "random seed", "0")
  .option("--json", "print one JSON object (default)")
  .action((o: BacktestCommandOptions & { json?: boolean }) =>
    withDb(async (db, pool) => {
      out(await backtestCommand(db, pool, o));
    }),
  );

program
  .command("import <files...>")
  .description("import trades from vendor files into a dataset (every record stored or quarantined with a reason)")
  .requiredOption("--dataset <name>", "dataset to create or append to")
  .option("--format <format>", "auto | dbn | databento-csv | databento-json | ninjatrader | scid | csv", "auto")
  .option("--instrument <symbol>", "contract (ESU4, MNQZ5, 'MNQ 12-25') or root; default: from the files")
  .option("--timezone <zone>", "IANA zone of wall-clock times (NinjaTrader, generic CSV); default UTC")
  .option("--columns <mapping>", "generic CSV: time=COL,price=COL,size=COL[,side=COL] (header names, or 1-based numbers with --no-header)")
  .option("--time-format <format>", "generic CSV: iso | epoch-s | epoch-ms | epoch-us | epoch-ns | a pattern like 'yyyy-MM-dd HH:mm:ss.SSS'", "iso")
  .option("--price-scale <n>", "generic CSV: multiply the price column by N (e.g. 0.01 for cents)")
  .option("--delimiter <char>", "generic CSV: field delimiter (default ',')")
  .option("--no-header", "generic CSV: the file has no header row")
  .option("--keep-outside-session", "store prints outside the exchange's sessions instead of quarantining them")
  .option("--json", "print the report as one JSON object")
  .action((files: string[], o: ImportCliOptions & { dataset: string; instrument?: string; keepOutsideSession?: boolean; json?: boolean }) =>
    withDb(async (db, pool) => {
      const { format, formatOptions } = importFormatOptions({ ...o, timeFormat: o.columns ? o.timeFormat : undefined });
      const report = await importTrades(db, pool, {
        files,
        dataset: o.dataset,
        format,
        formatOptions,
        instrument: o.instrument,
        rules: o.keepOutsideSession ? { outsideSession: "keep" } : {},
        onProgress: o.json ? undefined : (p) => err(`  ${Math.round((100 * p.bytesRead) / Math.max(1, p.totalBytes))}%  read ${p.read}, accepted ${p.accepted}, rejected ${p.rejected}`),
      });
      if (o.json) return out(report);
      err(
        report.skipped
          ? `already imported into ${report.dataset} (same content ${report.contentHash.slice(0, 12)}); nothing changed`
          : `imported ${report.format} into ${report.dataset}: read ${report.read}, accepted ${report.accepted}, rejected ${report.rejected} ${JSON.stringify(report.rejectedByReason)}`,
      );
      const flagged = Object.entries(report.flags ?? {}).map(([kind, t]) => `${kind} ${t.flags} ranges (${t.records} records)`);
      if (flagged.length) err(`flagged (kept): ${flagged.join(", ")}`);
      const reference = "reference" in report ? (report as ReferenceImportReport).reference : null;
      if (reference) err(`reference data (${reference.contract}): ${reference.definitions} definitions (${reference.matching.definitions} of the contract), ${reference.statistics} statistics (${reference.matching.statistics} of the contract)`);
      for (const warning of reference?.warnings ?? []) err(`warning: ${warning}`);
    }),
  );

program
  .command("book <files...>")
  .description("replay Databento MBO files through the L3 order book and print the book at a time")
  .option("--instrument-id <n>", "instrument to replay (required when a file holds several)")
  .option("--at <time>", "ISO-8601 time (default: end of data); the book at the last event boundary at or before it")
  .option("--depth <n>", "levels per side", "10")
  .option("--json", "print one JSON object (default)")
  .action(async (files: string[], o: BookCommandOptions) => {
    out(await bookCommand(files, o));
  });

program
  .command("bars <files...>")
  .description("OHLCV bars from the trades in Databento DBN files (UTC epoch grid, keyed by ts_event)")
  .option("--interval <interval>", "bar length: 30s, 1m, 5m, 1h, 1d...", "1m")
  .option("--json", "print a JSON array")
  .action(async (files: string[], o: { interval: string; json?: boolean }) => {
    const bars = await barsCommand(files, o);
    if (o.json) return out(bars);
    for (const b of bars) process.stdout.write(`${b.tsStart} ${String(b.instrumentId).padStart(10)} O ${b.open} H ${b.high} L ${b.low} C ${b.close} V ${b.volume}\n`);
  });

const dataset = program.command("dataset").description("inspect or delete one dataset");
dataset
  .command("show <name>")
  .description("show a dataset as JSON (a continuous dataset with its components and roll dates) with a summary of its reference data")
  .action((name: string) => withDb(async (db, pool) => out(await datasetShowCommand(db, pool, name))));
dataset
  .command("reference <name>")
  .description("the dataset's Databento definitions and statistics as JSON, with the daily series of one statistic")
  .option("--type <type>", "statistic of the series: settlement_price, open_interest, cleared_volume... or a StatType number", "settlement_price")
  .option("--limit <n>", "session dates in the series", "100")
  .action((name: string, o: { type: string; limit: string }) => withDb(async (_db, pool) => out(await datasetReferenceCommand(pool, name, { type: o.type, limit: Number(o.limit) }))));
dataset
  .command("continuous <name>")
  .description("create a continuous dataset from dated-contract datasets of one root, rolling by a rule")
  .requiredOption("--components <names>", "component datasets, comma-separated (any order; sorted by expiry)")
  .option("--roll <rule>", "calendar[:N] (N days before expiry, default 8) | volume | open-interest | manual:YYYY-MM-DD,...", "calendar")
  .option("--json", "print the dataset as JSON")
  .action((name: string, o: { components: string; roll: string; json?: boolean }) =>
    withDb(async (db, pool) => {
      const components = o.components.split(",").map((c) => c.trim()).filter(Boolean);
      const id = await createContinuousDataset(pool, { name, components, rollRule: parseRollRuleArg(o.roll) });
      const continuous = await continuousDetail(db, id);
      if (o.json) return out({ ...(await getDataset(db, name)), continuous });
      err(`created continuous dataset ${name}: ${continuous!.components.map((c) => c.contract).join(" -> ")}`);
      for (const r of continuous!.rolls) err(`  roll ${r.fromContract} -> ${r.toContract} on session ${r.sessionDate} (${r.at})`);
    }),
  );
dataset
  .command("delete <name>")
  .description("delete a dataset and its ticks (results computed from it stay readable)")
  .action((name: string) =>
    withDb(async (db, pool) => {
      await deleteDataset(db, pool, name);
      err(`deleted dataset ${name}`);
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exit(error.exitCode);
  }
  if (error instanceof AppError) {
    err(`error: ${error.message}`);
    process.exit(1);
  }
  if (error && typeof error === "object" && "issues" in error) {
    const issues = (error as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    err(`error: invalid input: ${issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("; ")}`);
    process.exit(1);
  }
  err(`error: ${(error as Error)?.message ?? String(error)}`);
  process.exit(1);
}
