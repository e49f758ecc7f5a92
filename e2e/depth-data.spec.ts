import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_DATABASE_URL, screenshot, signIn } from "./support";

/**
 * An MBP-10 dataset (Databento's real ESH1 MBP-10 sample, imported with the CLI) in the browser:
 * the datasets list and its page say MBP-10, and the workflow offers the fill models its depth
 * supports (l1-trades, l1-quotes, l2-queue - not l3-fifo, which needs order ids).
 */
// Named to sort after "mnq-demo": other specs take the first dataset of the list as the demo one.
const DATASET = "ref-esh1-mbp10";
const MBP10 = "../shared/fixtures/databento/databento-python/tests/data/GLBX.MDP3/test_data.mbp-10.dbn.zst";

test.beforeAll(() => {
  test.setTimeout(120_000);
  execFileSync(process.execPath, ["bin/tickbench.mjs", "import", MBP10, "--dataset", DATASET, "--json"], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
});

test("an MBP-10 dataset is listed as such and runs offer the depth fill models", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.goto(`/datasets/${DATASET}`);
  await expect(page.getByRole("heading", { name: DATASET })).toBeVisible();
  await expect(page.getByText("mbp-10").first()).toBeVisible();
  // The sample has no trades: the summary counts its quotes and depth records, the calendar its quotes.
  const summary = page.getByRole("region", { name: "Summary" });
  await expect(summary.getByText("Depth (MBP-10)")).toBeVisible();
  const calendar = page.getByTestId("coverage-calendar");
  await expect(calendar).toContainText("12-28");
  await expect(calendar.getByText("no data")).toHaveCount(0);
  await screenshot(page, "dataset-mbp10");

  await page.goto(`/backtests/new?step=execution&dataset=${DATASET}&strategy=book-imbalance`);
  await expect(page.getByTestId("step-execution")).toBeVisible();
  await expect(page.getByLabel("Fill model").locator("option")).toHaveText([
    "L1 trades: fills at the next trade",
    "L1 quotes: fills against the best bid/ask",
    "L2 queue: queue position estimated from depth",
  ]);
  await page.getByLabel("Fill model").selectOption("l2-queue");
  await screenshot(page, "workflow-3-execution-mbp10");
});
