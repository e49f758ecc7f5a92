/**
 * Browser tests against the production build, in Debian's Chromium (never a downloaded browser).
 * The web server is the real product (`scripts/start.ts`): embedded PostgreSQL in a throw-away
 * data directory, migrations, demo data, web + one worker, on port 3100.
 */
import { existsSync } from "node:fs";
import { execSync } from "node:child_process";
import { defineConfig, devices } from "@playwright/test";

function findChromium(): string {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  for (const c of candidates) if (c && existsSync(c)) return c;
  try {
    return execSync("command -v chromium || command -v chromium-browser", { shell: "/bin/sh" }).toString().trim();
  } catch {
    throw new Error("Chromium not found: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH");
  }
}

export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_PG_PORT = 54359;
export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };
const dataDir = ".data/e2e";

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"], ["json"]],
  use: {
    baseURL: `http://localhost:${E2E_PORT}`,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: findChromium(),
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], channel: undefined } }],
  webServer: {
    command: `rm -rf ${dataDir} && node --import tsx scripts/start.ts`,
    url: `http://localhost:${E2E_PORT}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    env: {
      PORT: String(E2E_PORT),
      TICKBENCH_DATA_DIR: dataDir,
      TICKBENCH_PG_PORT: String(E2E_PG_PORT),
      // Runs are reaped only after 60 s without heartbeat (failover after 120 s), so the stalled-run
      // test has a wide margin; the page marks a run stalled after 10 s without heartbeat.
      RUN_STALL_AFTER_SEC: "60",
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      WORKERS: "1",
      WORKER_CONCURRENCY: "4",
      SEED_DEMO: "1",
      AUTH_SIGNIN_PER_MINUTE: "1000",
      LOG_LEVEL: "warn",
      // The e2e run must never touch a configured (possibly non-local) database.
      DATABASE_URL: "",
    },
  },
});
