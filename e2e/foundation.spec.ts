import { expect, test } from "@playwright/test";
import pg from "pg";
import { ANALYST, E2E_ADMIN, E2E_DATABASE_URL, screenshot, signIn } from "./support";

test.describe("foundation slice: data -> queue -> worker -> engine -> database -> socket -> browser", () => {
  test("an unauthenticated visitor is sent to the sign-in page", async ({ page }) => {
    await page.goto("/");
    await expect(page).toHaveURL(/\/login/);
    await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
    await screenshot(page, "login");
  });

  test("a wrong password shows an error and does not sign in", async ({ page }) => {
    await page.goto("/login");
    await page.getByLabel("Email").fill(E2E_ADMIN.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password" })).toBeVisible();
    await expect(page).toHaveURL(/\/login/);
  });

  test("an admin starts a demo backtest, watches progress reach 100% and sees the result", async ({ page }) => {
    await signIn(page, E2E_ADMIN);
    // The home page's quick form (the run history beside it has a "Dataset" filter of its own).
    // Other specs add datasets to the same server: choose the demo week explicitly.
    const quickForm = page.getByRole("form", { name: "New backtest" });
    const datasetSelect = quickForm.getByLabel("Dataset");
    await expect(datasetSelect).toContainText("mnq-demo");
    const demoOption = datasetSelect.locator("option", { hasText: "mnq-demo" });
    await datasetSelect.selectOption((await demoOption.getAttribute("value")) ?? "");
    await screenshot(page, "backtests");
    await quickForm.getByLabel("fast").fill("5");
    await quickForm.getByRole("button", { name: "Run backtest" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);

    const bar = page.getByRole("progressbar", { name: "Run progress" });
    await expect(bar).toBeVisible();
    await expect(bar).toHaveAttribute("aria-valuenow", "100", { timeout: 60_000 });
    await expect(page.getByTestId("run-progress-percent")).toHaveText("100%");
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded");

    // Headline numbers and the equity chart come from the stored result.
    await expect(page.getByTestId("metric-net-pnl")).toContainText("$");
    const roundTrips = Number((await page.getByTestId("metric-round-trips").innerText()).replace(/,/g, ""));
    expect(roundTrips).toBeGreaterThan(0);
    await expect(page.getByTestId("equity-chart")).toBeVisible();
    await expect(page.getByTestId("run-statistics")).toBeVisible();
    await expect(page.getByTestId("stat-max-drawdown")).toContainText("$");
    await expect(page.getByTestId("underwater-chart")).toBeVisible();
    await expect(page.getByTestId("trade-row").first()).toBeVisible();
    await expect(page.getByTestId("config-params")).toContainText("5");
    await screenshot(page, "run-result");

    // Exports: the trades CSV has one line per round trip plus a header.
    const exports = page.getByRole("group", { name: "Export results" });
    const csvHref = await exports.getByRole("link", { name: "Trades CSV" }).getAttribute("href");
    const csv = await page.request.get(csvHref!);
    expect(csv.status()).toBe(200);
    expect((await csv.text()).trim().split(/\r?\n/)).toHaveLength(roundTrips + 1);
    const report = await page.request.get((await exports.getByRole("link", { name: "HTML report" }).getAttribute("href"))!);
    expect(await report.text()).toContain("<svg");

    // History: tag and annotate the run, then find it by tag.
    await page.getByLabel("Tags (space separated)").fill("e2e demo");
    await page.getByLabel("Notes", { exact: true }).fill("first look at the demo week");
    await page.getByRole("button", { name: "Save" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();

    // The same run is listed, succeeded, on the backtests page.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtests" }).click();
    await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-status", "succeeded");
    await page.getByLabel("Tag", { exact: true }).fill("e2e");
    await expect(page.getByTestId("run-row")).toHaveCount(1);
    await page.getByLabel("Search name or notes").fill("nothing like this");
    await expect(page.getByTestId("runs-empty")).toBeVisible();
  });

  test("an admin creates an analyst, who gets 403 on the admin page", async ({ page, browser }) => {
    await signIn(page, E2E_ADMIN);
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Administration" })).toBeVisible();
    await page.getByLabel("Email").fill(ANALYST.email);
    await page.getByLabel("Password").fill(ANALYST.password);
    await page.getByLabel("Role").selectOption("analyst");
    await page.getByRole("button", { name: "Create user" }).click();
    await expect(page.getByTestId("create-user-success")).toBeVisible();
    await expect(page.getByTestId("user-row").filter({ hasText: ANALYST.email })).toBeVisible();
    await screenshot(page, "admin");

    const analystContext = await browser.newContext();
    const analyst = await analystContext.newPage();
    await signIn(analyst, ANALYST);
    await expect(analyst.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Admin" })).toHaveCount(0);
    const response = await analyst.goto("/admin");
    expect(response?.status()).toBe(403);
    await expect(analyst.getByRole("heading", { name: /403/ })).toBeVisible();
    await screenshot(analyst, "forbidden");
    const api = await analyst.request.get("/api/admin/users");
    expect(api.status()).toBe(403);
    // An analyst cannot read the admin's private runs either.
    const adminRun = await page.request.post("/api/runs", { data: { datasetName: "mnq-demo", strategyId: "sma-cross" } });
    expect(adminRun.status()).toBe(202);
    expect((await analyst.request.get(`/api/runs/${(await adminRun.json()).id}`)).status()).toBe(404);
    await analystContext.close();
  });
});

test("a running run whose worker stopped heartbeating is visibly marked as stalled", async ({ page }) => {
  // Simulate a worker that died mid-run: a run in state "running" whose last heartbeat is 20 s old
  // (the reaper acts only after RUN_STALL_AFTER_SEC = 60 s in the e2e configuration).
  const db = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await db.connect();
  try {
    const { rows } = await db.query(
      `WITH owner AS (SELECT id FROM users WHERE email = $1),
            def AS (INSERT INTO backtest_definitions (owner_id, name, strategy_id) SELECT id, 'stalled run', 'sma-cross' FROM owner RETURNING id, owner_id)
       INSERT INTO runs (owner_id, definition_id, name, strategy_id, dataset_name, dataset_version, status, attempt, progress,
                         events_total, events_processed, heartbeat_at, started_at, time_limit_sec)
       SELECT owner_id, id, 'stalled run', 'sma-cross', 'mnq-demo', 1, 'running', 1, 0.4, 1000, 400,
              now() - interval '20 seconds', now() - interval '30 seconds', 600 FROM def RETURNING id`,
      [E2E_ADMIN.email],
    );
    await signIn(page, E2E_ADMIN);
    await page.goto(`/runs/${rows[0].id}`);
    await expect(page.getByTestId("stall-warning")).toBeVisible();
    await expect(page.getByTestId("stall-warning")).toContainText("Stalled");
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "running");
    await screenshot(page, "run-stalled");
  } finally {
    await db.end();
  }
});

test("a dataset page shows its coverage calendar by session date", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Datasets" }).click();
  await expect(page).toHaveURL(/\/datasets$/);
  await page.getByRole("link", { name: "mnq-demo", exact: true }).click();
  await expect(page.getByRole("heading", { name: "mnq-demo" })).toBeVisible();
  const cells = page.getByTestId("coverage-cell");
  await expect(cells).toHaveCount(5);
  await expect(page.locator('[data-testid="coverage-cell"][data-gap="true"]')).toHaveCount(0);
  await expect(page.getByTestId("coverage-summary")).toContainText("5 sessions · 0 without data");
  await expect(page.getByRole("button", { name: "Delete dataset" })).toBeVisible();
  await screenshot(page, "dataset-coverage");
  // The generation that created it is listed as an import, with its report.
  await expect(page.getByTestId("import-row")).toHaveCount(1);
  await page.getByTestId("import-row").getByRole("link").first().click();
  await expect(page.getByTestId("import-view")).toBeVisible();
  await expect(page.getByTestId("import-accepted")).toHaveText(/^[1-9][\d,]{5,}$/);
  await expect(page.getByTestId("import-rejected")).toHaveText("0");
  await screenshot(page, "import-report");
});

test("a share link shows one run's results without login, and answers 404 once revoked", async ({ page, browser }) => {
  await signIn(page, E2E_ADMIN);
  await page.getByTestId("run-row").filter({ has: page.locator('[data-status="succeeded"]') }).first().getByRole("link").first().click();
  await expect(page.getByTestId("metric-net-pnl")).toBeVisible();
  const netPnl = await page.getByTestId("metric-net-pnl").innerText();
  await page.getByRole("button", { name: "Share" }).click();
  await page.getByRole("button", { name: "Create link" }).click();
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(/\/s\/[A-Za-z0-9_-]{43}$/);

  const visitor = await browser.newContext();
  const anonymous = await visitor.newPage();
  const response = await anonymous.goto(url);
  expect(response?.status()).toBe(200);
  await expect(anonymous.getByTestId("shared-run")).toBeVisible();
  await expect(anonymous.getByTestId("metric-net-pnl")).toHaveText(netPnl);
  await expect(anonymous.getByRole("navigation", { name: "Main" })).toHaveCount(0);
  const description = await anonymous.locator('meta[property="og:description"]').getAttribute("content");
  expect(description).toContain("Net P&L");
  await screenshot(anonymous, "shared-run");
  // The shared page exposes nothing else: the app itself still asks for a login.
  await anonymous.goto("/");
  await expect(anonymous).toHaveURL(/\/login/);

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Share links" }).click();
  const row = page.getByTestId("share-link-row").first();
  await expect(row).toHaveAttribute("data-active", "true");
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row).toHaveAttribute("data-active", "false");
  await screenshot(page, "share-links");
  const revoked = await anonymous.goto(url);
  expect(revoked?.status()).toBe(404);
  await visitor.close();
});

test("two finished runs can be compared side by side", async ({ page }) => {
  await signIn(page, E2E_ADMIN);
  // Two runs with different parameters, started through the API with the browser's session.
  for (const [name, fast, slow] of [["fast variant", 5, 20], ["slow variant", 20, 60]] as const) {
    const created = await page.request.post("/api/runs", { data: { datasetName: "mnq-demo", strategyId: "sma-cross", name, params: { fast, slow } } });
    expect(created.status()).toBe(202);
    const id = (await created.json()).id;
    await expect
      .poll(async () => (await (await page.request.get(`/api/runs/${id}`)).json()).status, { timeout: 60_000 })
      .toBe("succeeded");
  }
  await page.reload();
  const boxes = page.getByRole("checkbox", { name: /for comparison/ });
  await expect(boxes.nth(1)).toBeVisible();
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByTestId("compare-link").click();
  await expect(page.getByTestId("compare-view")).toBeVisible();
  await expect(page.getByTestId("metric-row").first()).toBeVisible();
  await expect(page.locator('[data-testid="config-difference"][data-key="params.fast"]')).toBeVisible();
  await screenshot(page, "compare");
});
