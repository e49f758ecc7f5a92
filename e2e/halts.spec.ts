import { execFileSync } from "node:child_process";
import pg from "pg";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_DATABASE_URL, screenshot, signIn } from "./support";

/**
 * Exchange halts reach the run page: a generated dataset (its own, named after mnq-demo so the other
 * specs' defaults do not change) gets a halt flag - as importing a Databento status file would store
 * it - over 10:00-11:00 CT of session 2025-03-13; a run over it lists the halt on its result page
 * and fills nothing inside it.
 */
const DATASET = "mnq-halted";
const HALT_FROM = "2025-03-13T15:00:00.000Z";
const HALT_TO = "2025-03-13T16:00:00.000Z";
const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  execFileSync(process.execPath, ["bin/tickbench.mjs", "generate", "--instrument", "MNQ", "--from", "2025-03-13", "--to", "2025-03-13", "--seed", "5", "--dataset", DATASET], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query<{ dataset_id: number; id: string }>(
      "SELECT r.dataset_id, r.id FROM import_runs r JOIN datasets d ON d.id = r.dataset_id WHERE d.name = $1",
      [DATASET],
    );
    await db.query(
      `INSERT INTO data_flags (dataset_id, import_run_id, kind, from_ns, to_ns, count, detail) VALUES ($1, $2, 'halt', $3, $4, 2, $5)`,
      [rows[0].dataset_id, rows[0].id, ns(HALT_FROM).toString(), ns(HALT_TO).toString(), JSON.stringify({ action: "halt", reason: "e2e" })],
    );
  } finally {
    await db.end();
  }
});

test("a run over a dataset with an exchange halt lists the halt and fills nothing inside it", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  const created = await page.request.post("/api/runs", { data: { datasetName: DATASET, strategyId: "sma-cross", name: "halt e2e", params: { fast: 5, slow: 20 } } });
  expect(created.status()).toBe(202);
  const runId = (await created.json()).id as string;
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${runId}`)).json()).status, { timeout: 90_000 }).toBe("succeeded");

  const result = await (await page.request.get(`/api/runs/${runId}/result`)).json();
  expect(result.metrics.halts).toHaveLength(1);
  expect(result.metrics.halts[0]).toMatchObject({ fromNs: ns(HALT_FROM).toString(), toNs: ns(HALT_TO).toString() });
  const trades = await (await page.request.get(`/api/runs/${runId}/trades?pageSize=500`)).json();
  const inside = (t: string) => BigInt(t) >= ns(HALT_FROM) && BigInt(t) < ns(HALT_TO);
  expect(trades.trades.length).toBeGreaterThan(0);
  expect(trades.trades.filter((t: { entryNs: string; exitNs: string }) => inside(t.entryNs) || inside(t.exitNs))).toEqual([]);

  await page.goto(`/runs/${runId}`);
  const panel = page.getByTestId("halts-panel");
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("halt-row")).toHaveCount(1);
  await expect(panel.getByTestId("halt-row")).toContainText("2025-03-13 10:00");
  await expect(panel.getByTestId("halt-row")).toContainText("halt");
  await screenshot(page, "run-halts");
});
