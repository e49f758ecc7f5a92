/**
 * `npm start`: the whole product on one machine with no configuration. Starts (or reuses, with
 * DATABASE_URL) PostgreSQL, bootstraps the database, builds the web app if needed, then runs the
 * web server and WORKERS worker processes. Ctrl-C / SIGTERM stops everything it started.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadEnv } from "../lib/config/env";
import { openDatabase } from "../lib/db/database";
import { bootstrapDatabase } from "../lib/server/bootstrap";
import { codeVersion } from "../lib/version";

const root = path.resolve(import.meta.dirname, "..");
const say = (m: string) => console.log(`[tickbench] ${m}`);

function buildIfNeeded(): void {
  const marker = path.join(root, ".next", "tickbench-build.json");
  const version = codeVersion();
  const built = existsSync(path.join(root, ".next", "BUILD_ID")) && existsSync(marker)
    ? (JSON.parse(readFileSync(marker, "utf8")) as { version: string }).version
    : null;
  if (built === version && !version.endsWith("-dirty") && version !== "unknown") return;
  say(built ? `rebuilding the web app (built ${built}, code ${version})` : "building the web app (first start)...");
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error("next build failed");
  writeFileSync(marker, JSON.stringify({ version }));
}

async function main() {
  const env = loadEnv();
  const database = await openDatabase(env, () => {});
  if (database.embedded === "started") say(`embedded PostgreSQL running on 127.0.0.1:${env.TICKBENCH_PG_PORT} (data in ${env.TICKBENCH_DATA_DIR}/pg)`);
  else if (database.embedded === "shared") say("using the embedded PostgreSQL of another running Tickbench process");
  else say("using DATABASE_URL");

  const children = new Set<ChildProcess>();
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say("stopping...");
    for (const child of children) child.kill("SIGTERM");
    const deadline = Date.now() + 20_000;
    while ([...children].some((c) => c.exitCode === null && c.signalCode === null) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await database.close().catch((err) => console.error(err));
    say("stopped");
    process.exit(code);
  };
  process.on("SIGINT", () => void stopAll(0));
  process.on("SIGTERM", () => void stopAll(0));

  try {
    await bootstrapDatabase({ env, databaseUrl: database.url, seedDemo: env.SEED_DEMO, log: say });
    if (env.NODE_ENV !== "development") buildIfNeeded();
  } catch (error) {
    console.error(error);
    await stopAll(1);
    return;
  }

  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    NODE_ENV: env.NODE_ENV === "development" ? "development" : "production",
    NEXT_TELEMETRY_DISABLED: "1",
    TICKBENCH_GIT_SHA: codeVersion(),
  };
  const launch = (name: string, script: string, restart: boolean) => {
    const child = spawn(process.execPath, ["--import", "tsx", script], { cwd: root, env: childEnv, stdio: "inherit" });
    children.add(child);
    child.on("exit", (code, signal) => {
      children.delete(child);
      if (stopping) return;
      if (restart) {
        say(`${name} exited (${signal ?? code}); restarting in 1 s`);
        setTimeout(() => !stopping && launch(name, script, restart), 1000);
      } else {
        say(`${name} exited (${signal ?? code}); stopping everything`);
        void stopAll(1);
      }
    });
  };
  launch("web", "server.ts", false);
  for (let i = 0; i < env.WORKERS; i++) launch(`worker ${i + 1}`, "workers/worker.ts", true);
  say(`open http://localhost:${env.PORT} (${env.WORKERS} worker process${env.WORKERS === 1 ? "" : "es"})`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
