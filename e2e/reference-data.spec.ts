import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { E2E_ADMIN, E2E_DATABASE_URL, screenshot, signIn } from "./support";

/**
 * A dataset's reference data on its page: an ESH1 dataset (generated, one session) gets the real
 * databento-python ESH1 definition and statistics files through the CLI; the page's read-only
 * panel shows the contract's definition with its checks against the spec and the latest
 * statistics of the contract.
 */
// Named to sort after "mnq-demo": other specs take the first dataset of the list as the demo one.
const DATASET = "ref-esh1";
const PY = "../shared/fixtures/databento/databento-python/tests/data/GLBX.MDP3/";

test.beforeAll(() => {
  test.setTimeout(120_000);
  const cli = (...args: string[]) =>
    execFileSync(process.execPath, ["bin/tickbench.mjs", ...args], { env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" }, stdio: ["ignore", "pipe", "pipe"] });
  cli("generate", "--instrument", "ESH1", "--from", "2020-12-28", "--to", "2020-12-28", "--seed", "3", "--dataset", DATASET);
  cli("import", `${PY}test_data.definition.dbn.zst`, "--dataset", DATASET);
  cli("import", `${PY}test_data.statistics.dbn.zst`, "--dataset", DATASET);
});

test("the dataset page lists the contract's definition, checked against the spec, and its latest statistics", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.goto(`/datasets/${DATASET}`);
  const panel = page.getByTestId("reference-panel");
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId("reference-summary")).toContainText("1 definition · 4 statistics · contract ESH1");
  const definition = panel.getByTestId("reference-definitions");
  await expect(definition).toContainText("ESH1 definition");
  await expect(definition).toContainText("0.25");
  await expect(definition).toContainText("50 USD per point (IPNT)");
  await expect(definition).toContainText("2021-03-19 08:30");
  await expect(panel.getByTestId("definition-checks").getByText("✓ matches spec")).toHaveCount(4);
  const latest = panel.getByTestId("reference-latest");
  await expect(latest.getByRole("row")).toHaveCount(3);
  await expect(latest).toContainText("highest bid");
  await expect(latest).toContainText("3708.25");
  await expect(panel.getByTestId("reference-by-type")).toContainText("highest bid 3");
  await screenshot(page, "dataset-reference-data");
});
