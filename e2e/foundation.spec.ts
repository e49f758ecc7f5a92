import { expect, test } from "@playwright/test";
import { ANALYST, E2E_ADMIN, screenshot, signIn } from "./support";

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
    await expect(page.getByLabel("Dataset")).toContainText("mnq-demo");
    await screenshot(page, "backtests");
    await page.getByLabel("fast").fill("5");
    await page.getByRole("button", { name: "Run backtest" }).click();
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
    await expect(page.getByTestId("trade-row").first()).toBeVisible();
    await expect(page.getByTestId("config-params")).toContainText("5");
    await screenshot(page, "run-result");

    // The same run is listed, succeeded, on the backtests page.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Backtests" }).click();
    await expect(page.getByTestId("run-row").first()).toHaveAttribute("data-status", "succeeded");
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
    const runs = await page.request.get("/api/runs");
    const adminRunId = (await runs.json()).runs[0]?.id;
    if (adminRunId) expect((await analyst.request.get(`/api/runs/${adminRunId}`)).status()).toBe(404);
    await analystContext.close();
  });
});
