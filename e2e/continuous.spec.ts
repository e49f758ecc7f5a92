import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { E2E_DATABASE_URL, screenshot, signIn } from "./support";

/**
 * Continuous datasets end to end: two dated-contract datasets (MNQH5, MNQM5: sessions
 * 2025-03-12..14) and a continuous dataset over them are created with the CLI against the e2e
 * database; CME's calendar rule rolls 8 days before MNQH5's expiry (Fri 2025-03-21), at the open
 * of session Thu 2025-03-13 (17:00 CDT on 03-12 = 22:00 UTC). Names sort after mnq-demo, so the
 * other specs' defaults (first dataset) are unchanged; the run belongs to a user of its own.
 */
const H5 = "roll-mnqh5";
const M5 = "roll-mnqm5";
const CONT = "roll-mnq-c";
const USER = { email: "roll@e2e.test", password: "e2e-roll-password" };
const ROLL_AT = "2025-03-12T22:00:00.000Z";
const ROLL_NS = (BigInt(Date.parse(ROLL_AT)) * 1_000_000n).toString();

function cli(...args: string[]): string {
  return execFileSync(process.execPath, ["bin/tickbench.mjs", ...args], {
    env: { ...process.env, DATABASE_URL: E2E_DATABASE_URL, LOG_LEVEL: "silent" },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

test.describe("continuous datasets with rolls", () => {
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    cli("generate", "--instrument", "MNQH5", "--from", "2025-03-12", "--to", "2025-03-14", "--seed", "11", "--dataset", H5);
    cli("generate", "--instrument", "MNQM5", "--from", "2025-03-12", "--to", "2025-03-14", "--seed", "12", "--dataset", M5);
    const created = JSON.parse(cli("dataset", "continuous", CONT, "--components", `${H5},${M5}`, "--roll", "calendar", "--json"));
    expect(created.continuous.rolls).toEqual([{ atNs: ROLL_NS, at: ROLL_AT, sessionDate: "2025-03-13", fromContract: "MNQH5", toContract: "MNQM5" }]);
    cli("user", "create", "--email", USER.email, "--password", USER.password, "--role", "analyst");
  });

  test("the dataset page shows the components, the roll dates and the roll on the coverage calendar", async ({ page }) => {
    await signIn(page, USER);
    await page.goto(`/datasets/${CONT}`);
    const panel = page.getByTestId("components-panel");
    await expect(panel).toBeVisible();
    await expect(panel).toContainText("calendar: 8 days before expiry");
    const components = panel.getByTestId("component-row");
    await expect(components).toHaveCount(2);
    await expect(components.nth(0)).toContainText("MNQH5");
    await expect(components.nth(0)).toContainText(H5);
    await expect(components.nth(1)).toContainText("MNQM5");
    // The roll instant in exchange time: 17:00 CT the evening before the roll session.
    const roll = panel.getByTestId("roll-row");
    await expect(roll).toHaveCount(1);
    await expect(roll).toContainText("2025-03-13");
    await expect(roll).toContainText("2025-03-12 17:00:00");
    const cell = page.locator('[data-testid="coverage-cell"][data-session-date="2025-03-13"]');
    await expect(cell).toHaveAttribute("data-roll", "MNQH5-MNQM5");
    await expect(cell.getByTestId("roll-marker")).toBeVisible();
    await expect(page.locator('[data-testid="coverage-cell"][data-roll]')).toHaveCount(1);
    await expect(page.locator('[data-testid="coverage-cell"][data-gap="true"]')).toHaveCount(0);
    // The legend names the series' own rule and its resolved roll, not CME's generic calendar rule.
    await expect(page.getByTestId("coverage-legend-roll")).toHaveText("roll rule calendar (8 days before expiry): first session traded in the next contract - 2025-03-13 MNQH5 → MNQM5");
    await screenshot(page, "continuous-dataset");
  });

  test("the workflow describes the series and its rolls in the range, offers l1-trades only, and the run rolls the position", async ({ page }) => {
    test.setTimeout(180_000);
    await signIn(page, USER);
    await page.goto(`/backtests/new?dataset=${CONT}`);
    await expect(page.getByTestId("step-data")).toBeVisible();
    const series = page.getByTestId("wf-contract");
    await expect(series).toHaveAttribute("data-kind", "continuous");
    await expect(page.getByTestId("wf-series")).toHaveText("Continuous series: MNQH5 → MNQM5, roll rule calendar (8 days before expiry)");
    await expect(page.getByTestId("wf-roll")).toHaveCount(1);
    await expect(page.getByTestId("wf-roll")).toContainText("2025-03-13: MNQH5 → MNQM5 at the session open, 2025-03-12 17:00:00 CT");
    await expect(series).toContainText("two fills");
    await expect(series).toContainText("raw, unadjusted prices");
    await expect(page.locator('[data-testid="coverage-cell"][data-session-date="2025-03-13"]')).toHaveAttribute("data-roll", "MNQH5-MNQM5");
    await expect(page.getByTestId("sum-contract")).toContainText("MNQH5 → MNQM5");
    await expect(page.getByTestId("sum-rolls")).toHaveText("1 roll: 2025-03-13 MNQH5 → MNQM5");
    await expect(page.getByTestId("coverage-legend-roll")).toContainText("roll rule calendar (8 days before expiry)");
    await screenshot(page, "continuous-workflow-data");

    // A range that starts at the roll session opens at the roll instant: nothing to roll.
    await page.getByRole("radio", { name: "Custom" }).check();
    await page.getByLabel("From (session date)").fill("2025-03-13");
    await page.getByLabel("To (session date)").fill("2025-03-14");
    await expect(page.getByTestId("wf-rolls")).toContainText("No roll inside the chosen range");
    await expect(page.getByTestId("sum-rolls")).toHaveText("no roll in this range");
    await page.getByRole("radio", { name: "Whole dataset" }).check();
    await expect(page.getByTestId("sum-rolls")).toHaveText("1 roll: 2025-03-13 MNQH5 → MNQM5");

    await page.getByRole("button", { name: /^Next:/ }).click(); // -> strategy
    await expect(page.getByTestId("step-strategy")).toBeVisible();
    await page.getByRole("button", { name: /^Next:/ }).click(); // -> execution
    await expect(page.getByTestId("step-execution")).toBeVisible();
    await expect(page.locator("#wf-fill option")).toHaveCount(1);
    await expect(page.locator("#wf-fill")).toHaveValue("l1-trades");
    await expect(page.getByTestId("step-execution")).toContainText("A continuous series holds trades only");
    await page.getByRole("button", { name: /^Next:/ }).click(); // -> review
    await expect(page.getByTestId("step-review")).toBeVisible();
    await expect(page.getByTestId("wf-review-contract")).toHaveText("Continuous series: MNQH5 → MNQM5, roll rule calendar (8 days before expiry)");
    await expect(page.getByTestId("wf-review-rolls")).toContainText("1 roll: 2025-03-13 MNQH5 → MNQM5");
    await screenshot(page, "continuous-workflow-review");
    await page.getByRole("button", { name: "Run backtest" }).click();
    await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split("/").at(-1)!;
    await expect(page.getByTestId("run-status")).toHaveAttribute("data-status", "succeeded", { timeout: 120_000 });
    await expect(page.getByText("Loading results…")).toHaveCount(0, { timeout: 30_000 });
    await screenshot(page, "continuous-run");

    const result = await (await page.request.get(`/api/runs/${id}/result`)).json();
    expect(result.metrics.rollSchedule).toMatchObject({ contracts: ["MNQH5", "MNQM5"], rolls: [{ at: ROLL_AT, sessionDate: "2025-03-13" }] });
    expect(result.metrics.rolls).toHaveLength(1);
    const executed = result.metrics.rolls[0];
    expect(executed).toMatchObject({ at: ROLL_AT, atNs: ROLL_NS, fromContract: "MNQH5", toContract: "MNQM5" });
    // sma-cross is in the market after its warm-up: one contract rolled in two fills.
    expect(Math.abs(executed.closedQty)).toBe(1);
    expect(executed.fillIds).toHaveLength(2);
    // The round trip open at the roll ends there at the old contract's price and goes on in the new one.
    const trades = result.trades as { seq: number; entryNs: string; exitNs: string; side: number; qty: number; entryPrice: number; exitPrice: number; feesUsd: number }[];
    const k = trades.findIndex((t) => t.exitNs === ROLL_NS);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(trades[k].exitPrice).toBe(executed.fromPriceTicks * 0.25);
    expect(trades[k + 1]).toMatchObject({ entryNs: ROLL_NS, side: trades[k].side, qty: 1, entryPrice: executed.toPriceTicks * 0.25 });
    // The next quarter trades above the front (synthetic carry): the roll is not at one price.
    expect(executed.toPriceTicks).not.toBe(executed.fromPriceTicks);

    // The Rolls panel (Overview): the schedule, and the executed roll with its prices, difference and fees.
    const rolls = page.getByTestId("rolls-panel");
    await expect(rolls).toBeVisible();
    await expect(rolls.getByTestId("roll-schedule-rule")).toHaveText("calendar (8 days before expiry)");
    await expect(rolls.getByTestId("roll-schedule-chain")).toHaveText("MNQH5 → MNQM5");
    await expect(rolls.getByTestId("roll-schedule-point")).toHaveText("2025-03-13 MNQH5 → MNQM5 at the session open, 2025-03-12 17:00:00 CT");
    const rollRow = rolls.getByTestId("roll-row");
    await expect(rollRow).toHaveCount(1);
    await expect(rollRow).toContainText("MNQH5 → MNQM5");
    await expect(rollRow).toContainText("2025-03-12 17:00:00");
    await expect(rollRow.getByTestId("roll-position")).toHaveText(`1 ${executed.closedQty > 0 ? "long" : "short"}`);
    // MNQ: 0.25 points per tick.
    const points = (ticks: number) => (ticks * 0.25).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    await expect(rollRow).toContainText(points(executed.fromPriceTicks));
    await expect(rollRow).toContainText(points(executed.toPriceTicks));
    const diff = executed.toPriceTicks - executed.fromPriceTicks;
    const plus = diff > 0 ? "+" : "";
    await expect(rollRow.getByTestId("roll-difference")).toHaveText(`${plus}${points(diff)} pts · ${plus}${diff.toLocaleString("en-US")} ticks`);
    // The workflow left the fee empty: MNQ's default $0.57 per contract per side, 2 sides x 1 contract.
    await expect(rollRow.getByTestId("roll-fees")).toHaveText("$1.14");
    await expect(rolls.getByTestId("roll-fee-note")).toContainText("MNQ contract default");
    await expect(rollRow).toContainText(executed.fillIds.map((f: number) => `#${f}`).join(", "));
    await rolls.scrollIntoViewIfNeeded();
    await screenshot(page, "continuous-run-rolls");

    // The trade list marks the round trip closed by the roll and the one it opened (exits from the roll session on, by entry).
    await page.goto(`/runs/${id}?view=trades&from=2025-03-13&sort=entry&dir=asc`);
    await expect(page.getByTestId("trades-table")).toBeVisible();
    const closedByRoll = page.locator(`[data-testid="trade-list-row"][data-seq="${trades[k].seq}"]`);
    const openedByRoll = page.locator(`[data-testid="trade-list-row"][data-seq="${trades[k + 1].seq}"]`);
    await expect(closedByRoll.getByTestId("trade-roll-exit")).toHaveText("roll");
    await expect(closedByRoll.getByTestId("trade-roll-entry")).toHaveCount(0);
    await expect(openedByRoll.getByTestId("trade-roll-entry")).toHaveText("roll");
    await expect(openedByRoll.getByTestId("trade-roll-exit")).toHaveCount(0);
    await expect(page.getByTestId("trade-roll-exit")).toHaveCount(1);
    await expect(page.getByTestId("trade-roll-entry")).toHaveCount(1);
    await screenshot(page, "continuous-run-trades");
  });

  test("a book fill model named in the URL falls back to l1-trades, with a notice", async ({ page }) => {
    await signIn(page, USER);
    await page.goto(`/backtests/new?step=execution&dataset=${CONT}&fill=l3-fifo`);
    await expect(page.getByTestId("workflow-notices")).toContainText(`Fill model l3-fifo is not available for ${CONT} (a continuous series); using l1-trades.`);
    await expect(page.locator("#wf-fill")).toHaveValue("l1-trades");
    await expect.poll(() => new URL(page.url()).searchParams.get("fill")).toBe("l1-trades");
  });
});
