import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./db";
import { inProcessExecutor } from "./support/system";
import { startBoss } from "../lib/jobs/queue";
import { createRun } from "../lib/runs/run-service";
import { executeRun } from "../lib/runs/run-executor";

/** The `tickbench` command as a user runs it (bin/tickbench.mjs), against a real database. */
describe("tickbench CLI", () => {
  let db: TestDatabase;
  const cli = (...args: string[]) => {
    const r = spawnSync(process.execPath, ["bin/tickbench.mjs", ...args], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it("prints help", () => {
    const r = cli("--help");
    expect(r.code).toBe(0);
    for (const command of ["migrate", "user", "token", "generate", "datasets", "dataset"]) expect(r.stdout).toContain(command);
  });

  it("migrates, creates users and tokens", () => {
    expect(cli("migrate").code).toBe(0);
    const created = cli("user", "create", "--email", "Quant@Example.com", "--password", "secret-pass", "--role", "analyst", "--json");
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ email: "quant@example.com", role: "analyst" });
    const token = cli("token", "create", "--email", "quant@example.com");
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toMatch(/^tb_[A-Za-z0-9_-]{43}$/);
  });

  it("explains bad input with a clear message and a non-zero exit code", () => {
    const short = cli("user", "create", "--email", "x@example.com", "--password", "short");
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/at least 8 characters/);
    const duplicate = cli("user", "create", "--email", "quant@example.com", "--password", "secret-pass");
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
    const unknown = cli("token", "create", "--email", "nobody@example.com");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/not found/);
    expect(cli("generate", "--from", "2025-03-03").code).not.toBe(0);
  });

  it("generates a deterministic dataset and lists it as JSON", () => {
    const generated = cli("generate", "--instrument", "MNQ", "--from", "2025-03-04", "--to", "2025-03-04", "--seed", "3", "--dataset", "cli-demo", "--json");
    expect(generated.code).toBe(0);
    const report = JSON.parse(generated.stdout);
    expect(report.records).toBeGreaterThan(100_000);
    expect(report.sessions).toBe(1);
    const again = cli("generate", "--instrument", "MNQ", "--from", "2025-03-04", "--to", "2025-03-04", "--seed", "3", "--dataset", "cli-demo-2", "--json");
    expect(JSON.parse(again.stdout).records).toBe(report.records);

    const listed = cli("datasets", "--json");
    expect(listed.code).toBe(0);
    const datasets = JSON.parse(listed.stdout);
    expect(Array.isArray(datasets)).toBe(true);
    const demo = datasets.find((d: { name: string }) => d.name === "cli-demo");
    expect(demo).toMatchObject({ instrument: "MNQ", schema: "trades", status: "ready", recordCount: report.records });
    expect(demo.provenance.contentHash).toBe(datasets.find((d: { name: string }) => d.name === "cli-demo-2").provenance.contentHash);

    const shown = cli("dataset", "show", "cli-demo");
    expect(JSON.parse(shown.stdout).name).toBe("cli-demo");
    expect(cli("generate", "--from", "2025-03-04", "--to", "2025-03-04", "--dataset", "cli-demo").stderr).toMatch(/already exists/);
    expect(cli("dataset", "delete", "cli-demo-2").code).toBe(0);
    expect(JSON.parse(cli("datasets", "--json").stdout).map((d: { name: string }) => d.name)).toEqual(["cli-demo"]);
  });

  it("runs a backtest in-process and gives the same numbers as the worker for the same inputs", async () => {
    const params = JSON.stringify({ fast: 4, slow: 15 });
    const r = cli("backtest", "--dataset", "cli-demo", "--strategy", "sma-cross", "--params", params, "--fee-per-side", "0.62", "--json");
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.events).toBeGreaterThan(100_000);
    expect(report.metrics.roundTrips).toBe(report.trades.length);
    expect(report.metrics).toHaveProperty("netPnlUsd");
    expect(report.trades[0]).toMatchObject({ qty: 1, feesUsd: 1.24 });
    expect(report.equity.tsMs.length).toBe(report.equity.equityUsd.length);

    // The same run through the queue's worker code path.
    const boss = await startBoss(db.url, "sender");
    try {
      const user = await db.prisma.user.findFirstOrThrow();
      const run = await createRun(
        { db: db.prisma, boss, runTimeLimitSec: 600, stallAfterSec: 15 },
        { userId: user.id, email: user.email, name: user.name, role: "analyst", via: "token" },
        { datasetName: "cli-demo", strategyId: "sma-cross", params: { fast: 4, slow: 15 }, config: { feePerSideUsd: 0.62 } },
      );
      await executeRun(inProcessExecutor(db, { chunkEvents: 25_000 }), run.id);
      const stored = await db.prisma.runResult.findUniqueOrThrow({ where: { runId: run.id } });
      expect(stored.resultHash).toBe(report.resultHash);
      expect((stored.metrics as { netPnlUsd: number }).netPnlUsd).toBe(report.metrics.netPnlUsd);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
  });

  it("rejects a backtest with bad parameters with a clear message", () => {
    const r = cli("backtest", "--dataset", "cli-demo", "--strategy", "sma-cross", "--params", '{"fast":40,"slow":10}');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/fast must be smaller than slow/);
    expect(cli("backtest", "--dataset", "nope", "--strategy", "sma-cross").stderr).toMatch(/not found/);
    expect(cli("backtest", "--dataset", "cli-demo", "--strategy", "sma-cross", "--params", "{oops").stderr).toMatch(/JSON object/);
  });
});
