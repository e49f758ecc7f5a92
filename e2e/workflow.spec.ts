import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, screenshot, signIn } from "./support";

/** Every form control of the workflow has an accessible name (label). */
async function expectLabelledControls(page: Page) {
  const form = page.getByTestId("workflow");
  for (const role of ["textbox", "spinbutton", "combobox", "radio", "checkbox"] as const) {
    for (const control of await form.getByRole(role).all()) await expect(control).toHaveAccessibleName(/\S/);
  }
}

const param = (page: Page, name: string) => page.getByTestId("strategy-params").getByRole("spinbutton", { name: new RegExp(`^${name}\\b`, "i") });
const urlParam = (page: Page, key: string) => new URL(page.url()).searchParams.get(key);

async function waitSucceeded(page: Page) {
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 90_000 });
}

test.describe("guided backtest workflow", () => {
  test("four steps with the state in the URL, run, run again with a change, find and rename it in the history", async ({ page }) => {
    await signIn(page, E2E_ADMIN);
    await page.getByTestId("new-backtest-link").click();
    await expect(page).toHaveURL(/\/backtests\/new/);

    // Step 1: data. The URL is completed with the resolved dataset and strategy defaults.
    await expect(page.getByTestId("step-data")).toBeVisible();
    await expect.poll(() => urlParam(page, "dataset")).toBe("mnq-demo");
    expect(urlParam(page, "step")).toBe("data");
    expect(urlParam(page, "p.slow")).toBe("30");
    await expect(page.getByTestId("coverage-calendar")).toBeVisible();
    await expect(page.getByTestId("wf-contract")).toContainText("MNQH5");
    await expect(page.getByTestId("wf-contract")).toContainText("single contract");
    await page.getByRole("radio", { name: "Custom" }).check();
    await page.getByLabel("From (session date)").fill("2025-03-04");
    await page.getByLabel("To (session date)").fill("2025-03-05");
    await expect(page.getByTestId("wf-range-summary")).toContainText("Sessions 2025-03-04 → 2025-03-05: 2 sessions");
    await expect(page.getByTestId("wf-warnings")).toContainText("No signal during the first 30 min of data");
    expect(urlParam(page, "range")).toBe("custom");
    expect(urlParam(page, "from")).toBe("2025-03-04");
    expect(urlParam(page, "to")).toBe("2025-03-05");
    await expectLabelledControls(page);
    await screenshot(page, "workflow-1-data");
    await page.getByRole("button", { name: "Next: Strategy" }).click();

    // Step 2: strategy form from the schema, inline validation, then a valid value.
    await expect(page.getByTestId("step-strategy")).toBeVisible();
    expect(urlParam(page, "step")).toBe("strategy");
    await param(page, "fast").fill("0");
    await expect(page.locator("#wf-p-fast-error")).toHaveText("Must be at least 1");
    await param(page, "fast").fill("5");
    await expect(page.locator("#wf-p-fast-error")).toHaveCount(0);
    expect(urlParam(page, "p.fast")).toBe("5");
    await expectLabelledControls(page);
    await screenshot(page, "workflow-2-strategy");
    await param(page, "fast").press("Enter");

    // Step 3: execution. Trades-only data offers l1-trades only.
    await expect(page.getByTestId("step-execution")).toBeVisible();
    expect(urlParam(page, "step")).toBe("execution");
    await expect(page.getByLabel("Fill model").locator("option")).toHaveText(["L1 trades: fills at the next trade"]);
    await expect(page.getByLabel("Fee per side (USD)")).toHaveAttribute("placeholder", "0.57");
    await page.getByLabel("Fee per side (USD)").fill("1.25");
    await page.getByLabel("Entry latency (ms)").fill("abc");
    await page.getByRole("button", { name: "Next: Review" }).click();
    await expect(page.getByTestId("step-invalid")).toBeVisible();
    expect(urlParam(page, "step")).toBe("execution");
    await page.getByLabel("Entry latency (ms)").fill("0");
    expect(urlParam(page, "fee")).toBe("1.25");
    // Every execution option, away from its default, goes into the URL.
    await page.getByLabel("Distribution").selectOption("uniform");
    await page.getByLabel("Response latency (ms)").fill("0.5");
    await page.getByLabel("Spread (ms)").fill("2");
    await page.getByLabel("Partial fills of resting limits").uncheck();
    await page.getByLabel("Market orders fill only the trade's size").check();
    await page.getByLabel("Exchange calendar").selectOption("cme-equity");
    await page.getByLabel("Daily settlement").check();
    await expect(page.getByLabel("Seconds before the close")).toBeDisabled();
    await page.getByLabel("Flatten at session end").check();
    await page.getByLabel("Seconds before the close").fill("120");
    const executionKeys = ["latd", "lat", "rlat", "latj", "pf", "mts", "cal", "settle", "flat", "flats"];
    const executionUrl = { latd: "uniform", lat: "0", rlat: "0.5", latj: "2", pf: "0", mts: "1", cal: "cme-equity", settle: "1", flat: "1", flats: "120" };
    await expect.poll(() => Object.fromEntries(executionKeys.map((k) => [k, urlParam(page, k)]))).toEqual(executionUrl);

    // A reload keeps everything.
    await page.reload();
    await expect(page.getByTestId("step-execution")).toBeVisible();
    await expect(page.getByLabel("Fee per side (USD)")).toHaveValue("1.25");
    await expect(page.getByLabel("Distribution")).toHaveValue("uniform");
    await expect(page.getByLabel("Response latency (ms)")).toHaveValue("0.5");
    await expect(page.getByLabel("Spread (ms)")).toHaveValue("2");
    await expect(page.getByLabel("Partial fills of resting limits")).not.toBeChecked();
    await expect(page.getByLabel("Market orders fill only the trade's size")).toBeChecked();
    await expect(page.getByLabel("Exchange calendar")).toHaveValue("cme-equity");
    await expect(page.getByLabel("Daily settlement")).toBeChecked();
    await expect(page.getByLabel("Flatten at session end")).toBeChecked();
    await expect(page.getByLabel("Seconds before the close")).toHaveValue("120");
    expect(Object.fromEntries(executionKeys.map((k) => [k, urlParam(page, k)]))).toEqual(executionUrl);
    await expect(page.getByTestId("sum-lat")).toHaveText("entry 0–2 ms, response 0.5–2.5 ms (uniform)");
    await expect(page.getByTestId("sum-fills")).toHaveText("limits: in full; market: up to the trade's size");
    await expect(page.getByTestId("sum-session")).toHaveText("CME equity hours; daily settlement; flatten 120 s before the close");
    await expect(page.getByTestId("sum-strategy")).toContainText("fast = 5");
    await expect(page.getByTestId("sum-range")).toContainText("2025-03-04 → 2025-03-05 · 2 sessions");
    await expect(page.getByTestId("sum-fee")).toHaveText("$1.25");
    await expectLabelledControls(page);
    await screenshot(page, "workflow-3-execution");
    await page.getByRole("button", { name: "Next: Review" }).click();

    // Step 4: review with the estimate = the coverage counts of the two sessions.
    await expect(page.getByTestId("step-review")).toBeVisible();
    const coverage = (await (await page.request.get("/api/datasets/mnq-demo")).json()).coverage.sessions as { sessionDate: string; ticks: number }[];
    const expected = coverage.filter((s) => s.sessionDate === "2025-03-04" || s.sessionDate === "2025-03-05").reduce((a, s) => a + s.ticks, 0);
    expect(expected).toBeGreaterThan(0);
    await expect(page.getByTestId("wf-estimate-events")).toHaveText(`≈ ${expected.toLocaleString("en-US")}`);
    await expect(page.getByTestId("wf-estimate-duration")).toContainText("≈");
    await expect(page.getByTestId("wf-review-lat")).toHaveText("entry 0–2 ms, response 0.5–2.5 ms (uniform)");
    await expect(page.getByTestId("wf-review-session")).toHaveText("CME equity hours; daily settlement; flatten 120 s before the close");
    // Back and forward move between steps.
    await page.goBack();
    await expect(page.getByTestId("step-execution")).toBeVisible();
    await page.goForward();
    await expect(page.getByTestId("step-review")).toBeVisible();
    await screenshot(page, "workflow-4-review");
    await page.getByRole("button", { name: "Run backtest" }).click();
    await waitSucceeded(page);
    await expect(page.getByTestId("config-params")).toContainText("fast");
    await expect(page.getByTestId("config-params")).toContainText("5");
    await expect(page.getByTestId("config-fee")).toHaveText("$1.25");
    await expect(page.getByTestId("config-window")).toBeVisible();
    const firstRun = page.url();
    // The run stores the execution options exactly as the run-config schema takes them (latency in ns).
    const executionConfig = {
      fillModel: "l1-trades",
      feePerSideUsd: 1.25,
      slippageTicks: 0,
      latency: { entry: { kind: "uniform", minNs: 0, maxNs: 2_000_000 }, response: { kind: "uniform", minNs: 500_000, maxNs: 2_500_000 } },
      partialFills: false,
      marketFillsTradeSize: true,
      calendar: "cme-equity",
      dailySettlement: true,
      flattenAtSessionEnd: { secondsBeforeClose: 120 },
      startingCashUsd: 100_000,
      seed: 0,
    };
    const storedConfig = async (url: string) => (await (await page.request.get(`/api/runs/${url.split("/").pop()}`)).json()).config;
    expect(await storedConfig(firstRun)).toMatchObject(executionConfig);

    // Run again with changes: the workflow opens prefilled at the review step.
    await page.getByTestId("run-again-link").click();
    await expect(page.getByTestId("step-review")).toBeVisible();
    expect(urlParam(page, "p.fast")).toBe("5");
    expect(urlParam(page, "from")).toBe("2025-03-04");
    expect(urlParam(page, "to")).toBe("2025-03-05");
    expect(urlParam(page, "fee")).toBe("1.25");
    expect(Object.fromEntries(executionKeys.map((k) => [k, urlParam(page, k)]))).toEqual(executionUrl);
    await expect(page.getByTestId("wf-review-strategy")).toContainText("fast=5");
    await page.getByRole("navigation", { name: "Workflow steps" }).getByRole("button", { name: /Strategy/ }).click();
    await expect(param(page, "fast")).toHaveValue("5");
    await param(page, "fast").fill("7");
    await param(page, "fast").press("Enter");
    await expect(page.getByTestId("step-execution")).toBeVisible();
    await page.getByRole("button", { name: "Next: Review" }).click();
    await page.getByLabel("Run name (optional)").fill("Second run e2e");
    await screenshot(page, "workflow-run-again-review");
    await page.getByRole("button", { name: "Run backtest" }).click();
    await waitSucceeded(page);
    expect(page.url()).not.toBe(firstRun);
    await expect(page.getByTestId("run-name")).toHaveText("Second run e2e");
    await expect(page.getByTestId("config-params")).toContainText("7");
    await expect(page.getByTestId("config-fee")).toHaveText("$1.25");
    expect(await storedConfig(page.url())).toMatchObject(executionConfig);

    // History: search and filters find it; rename it inline.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtests" }).click();
    await page.getByLabel("Search name or notes").fill("Second run");
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    const filters = page.getByRole("search", { name: "Search runs" });
    await filters.getByLabel("Strategy").selectOption("sma-cross");
    await filters.getByLabel("Dataset").selectOption("mnq-demo");
    await filters.getByLabel("Status").selectOption("succeeded");
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    await page.getByRole("button", { name: "Rename Second run e2e" }).click();
    await page.getByLabel("New name for Second run e2e").fill("Renamed in e2e");
    await page.getByLabel("New name for Second run e2e").press("Enter");
    await page.getByLabel("Search name or notes").fill("renamed in");
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    await expect(page.getByTestId("run-row").first()).toContainText("Renamed in e2e");
    await screenshot(page, "workflow-history");
  });

  test("step 1 works with the keyboard alone", async ({ page }) => {
    await signIn(page, E2E_ADMIN);
    await page.goto("/backtests/new");
    await expect.poll(() => urlParam(page, "dataset")).toBe("mnq-demo");
    await page.getByRole("heading", { name: "New backtest" }).click();
    const reached: string[] = [];
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press("Tab");
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el ? `${el.tagName.toLowerCase()}#${el.id}|${el.getAttribute("type") ?? ""}|${el.textContent?.trim() ?? ""}` : "";
      });
      reached.push(focused);
      if (focused.includes("Next: Strategy")) break;
    }
    expect(reached.some((f) => f.startsWith("select#wf-instrument"))).toBe(true);
    expect(reached.some((f) => f.startsWith("select#wf-dataset"))).toBe(true);
    expect(reached.some((f) => f.includes("|radio|"))).toBe(true);
    expect(reached.at(-1)).toContain("Next: Strategy");
    // Arrow keys move between the range presets; Enter on Next goes on.
    await page.getByRole("radio", { name: "Whole dataset" }).focus();
    await page.keyboard.press("ArrowRight");
    await expect(page.getByRole("radio", { name: "Last session" })).toBeChecked();
    expect(urlParam(page, "range")).toBe("last");
    await page.getByRole("button", { name: "Next: Strategy" }).focus();
    await page.keyboard.press("Enter");
    await expect(page.getByTestId("step-strategy")).toBeVisible();
    expect(urlParam(page, "step")).toBe("strategy");
    await expect(page.getByRole("heading", { name: /Step 2 of 4/ })).toBeFocused();
  });

  test("a bookmarked URL with invalid values falls back to defaults and says so", async ({ page }) => {
    await signIn(page, E2E_ADMIN);
    await page.goto("/backtests/new?step=execution&dataset=mnq-demo&fill=l3-fifo&lat=-3&p.fast=4");
    await expect(page.getByTestId("step-execution")).toBeVisible();
    const notices = page.getByTestId("workflow-notices");
    await expect(notices).toContainText('Ignored lat="-3"');
    await expect(notices).toContainText("Fill model l3-fifo is not available for mnq-demo (trades data); using l1-trades.");
    await expect(page.getByLabel("Entry latency (ms)")).toHaveValue("0");
    await expect.poll(() => urlParam(page, "fill")).toBe("l1-trades");
    expect(urlParam(page, "p.fast")).toBe("4");
  });

  test("the API reference lists the operations of the OpenAPI document", async ({ page }) => {
    const doc = await (await page.request.get("/api/openapi.json")).json();
    expect(doc.openapi).toBe("3.1.0");
    const count = Object.values(doc.paths as Record<string, object>).reduce((n, ops) => n + Object.keys(ops).length, 0);
    await page.goto("/api-docs");
    await expect(page.getByRole("heading", { name: "Tickbench API" })).toBeVisible();
    await expect(page.getByTestId("api-operation")).toHaveCount(count);
    await screenshot(page, "api-docs");
  });
});
