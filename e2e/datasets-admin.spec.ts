import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { E2E_ADMIN, E2E_DATABASE_URL, screenshot, signIn } from "./support";

const DBN = path.resolve("../shared/fixtures/databento/databento-dbn/tests/data/test_data.trades.v3.dbn.zst"); // 2 ESH1 trades
const ANALYST = { email: "analyst-datasets@e2e.test", password: "e2e-analyst-datasets" };

test.describe("datasets for admins: browser upload with live import progress, rules, coverage", () => {
  test("an admin uploads a DBN file into a new dataset, watches the import finish and reads the report", async ({ page }) => {
    await signIn(page, E2E_ADMIN);
    await page.goto("/datasets");
    const panel = page.getByTestId("import-data-panel");
    await expect(panel).toBeVisible();
    await expect(page.getByTestId("datasets-table")).toBeVisible(); // hydrated, datasets loaded
    await page.getByTestId("import-files-input").setInputFiles(DBN);
    await expect(panel.getByTestId("import-selected-files")).toContainText("test_data.trades.v3.dbn.zst");
    await page.getByTestId("import-dataset").fill("upload-esh1");
    await expect(page.getByTestId("import-dataset-hint")).toHaveText("A new dataset.");
    await expect(page.getByTestId("import-rules")).toBeVisible();
    await screenshot(page, "datasets-import-form");
    await page.getByRole("button", { name: "Upload and import" }).click();

    // Upload, then the worker's import, live over Socket.IO.
    const progress = page.getByTestId("import-progress");
    await expect(progress).toHaveAttribute("data-status", "succeeded", { timeout: 60_000 });
    await expect(page.getByTestId("import-live-read")).toHaveText("2");
    await expect(page.getByTestId("import-live-accepted")).toHaveText("2");
    await expect(page.getByTestId("import-live-rejected")).toHaveText("0");
    await expect(page.getByTestId("import-live-percent")).toHaveText("100%");
    await expect(page.getByRole("progressbar", { name: "Import progress" })).toHaveAttribute("aria-valuenow", "100");
    // The new dataset is listed.
    await expect(page.locator('[data-testid="dataset-row"][data-dataset-name="upload-esh1"]')).toBeVisible();
    await screenshot(page, "datasets-import-done");

    await page.getByTestId("import-report-link").click();
    await expect(page).toHaveURL(/\/imports\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("import-job-view")).toBeVisible();
    await expect(page.getByTestId("import-report")).toBeVisible();
    await expect(page.getByTestId("import-read")).toHaveText("2");
    await expect(page.getByTestId("import-accepted")).toHaveText("2");
    await expect(page.getByTestId("import-files")).toContainText("test_data.trades.v3.dbn.zst");
    await screenshot(page, "import-job-report");

    // The dataset: one session of ES data, its rules (set at import) shown and editable.
    await page.goto("/datasets/upload-esh1");
    await expect(page.getByTestId("dataset-view")).toBeVisible();
    await expect(page.locator('[data-testid="coverage-cell"][data-session-date="2020-12-28"]')).toHaveAttribute("data-gap", "false");
    const rules = page.getByTestId("validation-rules-panel");
    await expect(rules.getByTestId("rule-outsideSession")).toHaveValue("reject");
    await rules.getByTestId("rule-afterExpiry").selectOption("keep");
    await rules.getByRole("button", { name: "Save rules" }).click();
    await expect(rules.getByText("Saved")).toBeVisible();
    await page.reload();
    await expect(page.getByTestId("validation-rules-panel").getByTestId("rule-afterExpiry")).toHaveValue("keep");
  });

  test("a file that is not market data fails with a clear message and changes nothing", async ({ page }) => {
    const dir = mkdtempSync(path.join(tmpdir(), "tickbench-e2e-"));
    const bogus = path.join(dir, "notes.txt");
    writeFileSync(bogus, "these are meeting notes, not trades\n".repeat(10));
    await signIn(page, E2E_ADMIN);
    await page.goto("/datasets");
    await expect(page.locator('[data-testid="dataset-row"][data-dataset-name="upload-esh1"]')).toBeVisible();
    await page.getByTestId("import-files-input").setInputFiles(bogus);
    await page.getByTestId("import-dataset").fill("upload-esh1");
    await expect(page.getByTestId("import-dataset-hint")).toContainText("Adds to upload-esh1");
    await expect(page.getByTestId("import-rules")).toHaveCount(0);
    await page.getByRole("button", { name: "Upload and import" }).click();
    await expect(page.getByTestId("import-progress")).toHaveAttribute("data-status", "failed", { timeout: 60_000 });
    await expect(page.getByTestId("import-error")).toContainText("Cannot tell the format of notes.txt");
    await expect(page.getByTestId("import-error")).toContainText("dataset is unchanged");
    await screenshot(page, "datasets-import-failed");
    const dataset = await (await page.request.get("/api/datasets/upload-esh1")).json();
    expect(dataset.recordCount).toBe(2);
  });

  test("the coverage calendar marks calendar roll dates and makes gaps stand out", async ({ page }) => {
    // Three MNQ sessions around the March 2025 roll (MNQH5 -> MNQM5 on Thu 2025-03-13); the
    // first session's ticks are then removed, so the calendar has a gap on 2025-03-12.
    execFileSync(process.execPath, ["bin/tickbench.mjs", "generate", "--instrument", "MNQ", "--from", "2025-03-12", "--to", "2025-03-14", "--seed", "3", "--dataset", "mnq-roll"], {
      env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL },
      stdio: "ignore",
    });
    const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
    await db.connect();
    try {
      // Session 2025-03-12: 17:00 CT on 03-11 (22:00 UTC, daylight time) to 16:00 CT on 03-12.
      // The record count follows, so the summary stays consistent (no ticks "outside sessions").
      const { rows } = await db.query(
        `WITH gone AS (
           DELETE FROM trade_blocks WHERE dataset_id = (SELECT id FROM datasets WHERE name = 'mnq-roll') AND first_ts_recv < $1::bigint
           RETURNING tick_count)
         UPDATE datasets SET record_count = record_count - (SELECT sum(tick_count) FROM gone) WHERE name = 'mnq-roll'
         RETURNING (SELECT count(*)::int FROM gone) AS blocks`,
        [String(BigInt(Date.parse("2025-03-12T21:00:00Z")) * 1_000_000n)],
      );
      expect(rows[0].blocks).toBeGreaterThan(0);
    } finally {
      await db.end();
    }
    await signIn(page, E2E_ADMIN);
    await page.goto("/datasets/mnq-roll");
    const gap = page.locator('[data-testid="coverage-cell"][data-session-date="2025-03-12"]');
    await expect(gap).toHaveAttribute("data-gap", "true");
    await expect(gap).toContainText("no data");
    await expect(page.getByTestId("coverage-summary")).toContainText("1 without data");
    await expect(page.locator("dt", { hasText: "Outside sessions" }).locator("xpath=following-sibling::dd")).toHaveText("0");
    const roll = page.locator('[data-testid="coverage-cell"][data-session-date="2025-03-13"]');
    await expect(roll).toHaveAttribute("data-roll", "MNQH5-MNQM5");
    await expect(roll.getByTestId("roll-marker")).toBeVisible();
    await expect(roll).toHaveAttribute("data-gap", "false");
    await expect(page.locator('[data-testid="coverage-cell"][data-roll]')).toHaveCount(1);
    await expect(page.getByTestId("coverage-legend")).toContainText("calendar roll");
    // The gap is drawn red, unlike a session with data.
    const gapColour = await gap.evaluate((el) => getComputedStyle(el).backgroundColor);
    const dataColour = await roll.evaluate((el) => getComputedStyle(el).backgroundColor);
    expect(gapColour).not.toBe(dataColour);
    await screenshot(page, "dataset-coverage-roll-gap");
  });

  test("analysts see datasets read-only: no import panel, no rule editing, 403 from the API", async ({ page, browser }) => {
    await signIn(page, E2E_ADMIN);
    const created = await page.request.post("/api/admin/users", { data: { email: ANALYST.email, password: ANALYST.password, role: "analyst" } });
    expect(created.status()).toBe(201);
    const context = await browser.newContext();
    const analyst = await context.newPage();
    await signIn(analyst, ANALYST);
    await analyst.goto("/datasets");
    await expect(analyst.getByTestId("datasets-table")).toBeVisible();
    await expect(analyst.getByTestId("import-data-panel")).toHaveCount(0);
    await analyst.goto("/datasets/upload-esh1");
    await expect(analyst.getByTestId("rules-readonly")).toBeVisible();
    await expect(analyst.getByRole("button", { name: "Save rules" })).toHaveCount(0);
    await expect(analyst.getByRole("button", { name: "Delete dataset" })).toHaveCount(0);
    const upload = await analyst.request.post("/api/imports/jobs", { multipart: { dataset: "sneaky", files: { name: "a.dbn", mimeType: "application/octet-stream", buffer: Buffer.from("x") } } });
    expect(upload.status()).toBe(403);
    const patch = await analyst.request.patch("/api/datasets/upload-esh1", { data: { validationRules: { outsideSession: "keep" } } });
    expect(patch.status()).toBe(403);
    await screenshot(analyst, "datasets-analyst");
    await context.close();
  });
});
