import { expect, type Page } from "@playwright/test";
import { E2E_ADMIN, E2E_PG_PORT } from "../playwright.config";

export { E2E_ADMIN };
/** The e2e server's own embedded PostgreSQL (never a configured external database). */
export const E2E_DATABASE_URL = `postgresql://postgres:postgres@127.0.0.1:${E2E_PG_PORT}/tickbench`;
export const ANALYST = { email: "analyst@e2e.test", password: "e2e-analyst-password" };

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Backtests" })).toBeVisible();
}

export async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: `artifacts/screenshots/${name}.png`, fullPage: true });
}
