import { expect, test, type Page } from "@playwright/test";
import { E2E_ADMIN, screenshot } from "./support";

/**
 * The result dashboard of a finished demo run: every view addressable by URL, server-side trade
 * list, trade chart, time-zone switch, light theme, keyboard use, accessible names and contrast.
 */

async function signInAdmin(page: Page) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(E2E_ADMIN.email);
  await page.getByLabel("Password").fill(E2E_ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).not.toHaveURL(/\/login/);
}

interface TradeJson {
  seq: number;
  netUsd: number;
  entryNs: string;
}

/** Interactive elements without an accessible name, from Playwright's ARIA snapshot of the page. */
async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator("body").ariaSnapshot();
  return snapshot.split("\n").filter((line) => /^\s*- (button|link|combobox|textbox|checkbox|tab|radio|slider|spinbutton|grid|table)\s*(\[[^\]]*\])?:?\s*$/.test(line));
}

/**
 * WCAG contrast of every visible text (HTML text and SVG <text>) inside <main> against its
 * effective background (the composited background colours of its ancestors). Returns failures:
 * below 4.5:1 for normal text, 3:1 for large text (>= 24px, or >= 18.66px bold).
 */
async function contrastFailures(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 1;
    const ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    const rgba = (color: string): [number, number, number, number] => {
      ctx.clearRect(0, 0, 1, 1);
      ctx.fillStyle = "rgba(0,0,0,0)";
      ctx.fillStyle = color;
      ctx.fillRect(0, 0, 1, 1);
      const d = ctx.getImageData(0, 0, 1, 1).data;
      return [d[0], d[1], d[2], d[3] / 255];
    };
    const over = (top: [number, number, number, number], bottom: [number, number, number]): [number, number, number] => [
      top[0] * top[3] + bottom[0] * (1 - top[3]),
      top[1] * top[3] + bottom[1] * (1 - top[3]),
      top[2] * top[3] + bottom[2] * (1 - top[3]),
    ];
    const luminance = ([r, g, b]: [number, number, number]) => {
      const f = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el: Element): [number, number, number] => {
      const layers: [number, number, number, number][] = [];
      for (let node: Element | null = el; node; node = node.parentElement) {
        const c = rgba(getComputedStyle(node).backgroundColor);
        if (c[3] > 0) layers.push(c);
        if (c[3] >= 1) break;
      }
      let base: [number, number, number] = [255, 255, 255];
      for (let i = layers.length - 1; i >= 0; i--) base = over(layers[i], base);
      return base;
    };
    const failures: string[] = [];
    const main = document.querySelector("main") ?? document.body;
    const candidates = [...main.querySelectorAll<HTMLElement | SVGElement>("*")].filter((el) => {
      if (el.closest("option, [disabled], .sr-only, [data-contrast-exempt]")) return false;
      const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim() !== "");
      if (!hasText) return false;
      const rect = el.getBoundingClientRect();
      return rect.width > 1 && rect.height > 1 && getComputedStyle(el).visibility !== "hidden";
    });
    for (const el of candidates) {
      const style = getComputedStyle(el);
      const isSvg = el instanceof SVGElement;
      const htmlHost = isSvg ? (el.closest("div, figure, section") ?? main) : el;
      const bg = background(htmlHost);
      const fg = over(rgba(isSvg ? style.fill : style.color), bg);
      const l1 = luminance(fg);
      const l2 = luminance(bg);
      const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) failures.push(`${ratio.toFixed(2)} ${el.tagName.toLowerCase()}.${String(el.getAttribute("class") ?? "").slice(0, 60)} "${el.textContent!.trim().slice(0, 30)}"`);
    }
    return [...new Set(failures)];
  });
}

test("the result dashboard: views in the URL, server-side trade list, trade chart, time zones, theme, keyboard", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signInAdmin(page);
  const created = await page.request.post("/api/runs", { data: { datasetName: "mnq-demo", strategyId: "sma-cross", name: "dashboard e2e", params: { fast: 5, slow: 20 } } });
  expect(created.status()).toBe(202);
  const runId: string = (await created.json()).id;
  await expect.poll(async () => (await (await page.request.get(`/api/runs/${runId}`)).json()).status, { timeout: 90_000 }).toBe("succeeded");
  const all: { trades: TradeJson[]; total: number } = await (await page.request.get(`/api/runs/${runId}/trades?pageSize=1000`)).json();
  expect(all.total).toBeGreaterThan(50);

  // Overview: headline cards, equity and underwater curves.
  await page.goto(`/runs/${runId}`);
  await expect(page.getByTestId("metric-net-pnl")).toContainText("$");
  await expect(page.getByTestId("metric-profit-factor")).not.toHaveText("");
  await expect(page.getByTestId("equity-chart")).toBeVisible();
  await expect(page.getByTestId("underwater-chart")).toBeVisible();
  await expect(page.getByTestId("run-config")).toContainText("mnq-demo");
  await screenshot(page, "dashboard-overview-dark");
  expect(await unnamedControls(page)).toEqual([]);
  expect(await contrastFailures(page)).toEqual([]);

  // Analysis: heatmap by session date (5 demo sessions), monthly table, distribution, breakdowns.
  await page.getByRole("tab", { name: "Calendar & breakdowns" }).click();
  await expect(page).toHaveURL(/view=analysis/);
  await expect(page.getByTestId("heatmap-day")).toHaveCount(5);
  await expect(page.getByTestId("heatmap-day").first()).toHaveAttribute("data-date", "2025-03-03");
  await expect(page.getByTestId("monthly-row")).toHaveCount(1);
  await expect(page.getByTestId("pnl-histogram")).toBeVisible();
  await expect(page.getByTestId("pnl-histogram").locator(".recharts-bar-rectangle").first()).toBeVisible();
  for (const id of ["breakdown-session", "breakdown-hour", "breakdown-weekday"]) await expect(page.getByTestId(id).locator(".recharts-bar-rectangle").first()).toBeVisible();
  await screenshot(page, "dashboard-analysis-dark");
  expect(await contrastFailures(page)).toEqual([]);

  // A heatmap day opens the trades closed in that session: as many as the cell says.
  const tuesday = page.locator('[data-testid="heatmap-day"][data-date="2025-03-04"]');
  const closed = Number(/(\d+) round trips? closed/.exec((await tuesday.getAttribute("aria-label"))!)![1]);
  await tuesday.click();
  await expect(page).toHaveURL(/view=trades&from=2025-03-04&to=2025-03-04/);
  await expect(page.getByTestId("trades-summary")).toContainText(`${closed} of ${all.total} round trips`);
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect(page.getByTestId("trades-summary")).toContainText(`${all.total} of ${all.total} round trips`);
  await page.getByRole("tab", { name: "Overview" }).click();
  await page.getByRole("tab", { name: "Calendar & breakdowns" }).click();

  // Trades: server-side sort by net P&L (descending first), then page 2 of 25-row pages.
  await page.getByRole("tab", { name: /Trades/ }).click();
  await expect(page).toHaveURL(/view=trades/);
  const rows = page.getByTestId("trade-list-row");
  await expect(rows.first()).toHaveAttribute("data-seq", String(all.trades[0].seq));
  await page.getByTestId("sort-pnl").click();
  await expect(page).toHaveURL(/sort=pnl&dir=desc/);
  const byPnl = [...all.trades].sort((a, b) => b.netUsd - a.netUsd || a.seq - b.seq);
  await expect(rows.first()).toHaveAttribute("data-seq", String(byPnl[0].seq));
  expect(byPnl[0].seq).not.toBe(all.trades[0].seq);
  await page.getByLabel("Per page").selectOption("25");
  await page.getByRole("button", { name: "Next page" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByTestId("trades-page")).toHaveText(`Page 2 of ${Math.ceil(all.total / 25)}`);
  await expect(rows.first()).toHaveAttribute("data-seq", String(byPnl[25].seq));

  // A click opens the trade's price chart, addressable by URL.
  const picked = byPnl[26].seq;
  await rows.nth(1).click();
  await expect(page).toHaveURL(new RegExp(`trade=${picked}`));
  const chart = page.getByTestId("trade-chart");
  await expect(chart).toHaveAttribute("data-seq", String(picked));
  await expect(chart.getByTestId("marker-entry")).toBeVisible();
  await expect(chart.getByTestId("marker-exit")).toBeVisible();
  expect(await chart.getByTestId("trade-bar").count()).toBeGreaterThan(5);
  // Every fill of the trade as a marker (buy up, sell down, with its audit in the tooltip), and
  // the trade's fills listed with why they happened.
  const ownFills = chart.locator('[data-testid="fill-marker"][data-own="true"]');
  await expect(ownFills.first()).toBeVisible();
  const ownCount = await ownFills.count();
  expect(ownCount).toBeGreaterThanOrEqual(2);
  const sides = await ownFills.evaluateAll((els) => els.map((el) => el.getAttribute("data-side")));
  expect(new Set(sides)).toEqual(new Set(["buy", "sell"]));
  await expect(ownFills.first().locator("title")).toContainText(/model (l1-trades|end-of-data)/);
  await expect(ownFills.first().locator("title")).toContainText("queue position");
  const fillRows = chart.getByTestId("trade-fill-row");
  await expect(fillRows).toHaveCount(ownCount);
  await expect(fillRows.first().getByTestId("trade-fill-reason")).toHaveText(/^(l1-trades|end-of-data)/);
  await chart.screenshot({ path: "artifacts/screenshots/dashboard-trade-fills.png" });
  await screenshot(page, "dashboard-trades-dark");
  expect(await contrastFailures(page)).toEqual([]);

  // The same view from its URL alone.
  const url = page.url();
  await page.goto(url);
  await expect(page.getByTestId("trade-chart")).toHaveAttribute("data-seq", String(picked));
  await expect(page.getByTestId("trades-page")).toHaveText(`Page 2 of ${Math.ceil(all.total / 25)}`);

  // Time zone: exchange time (CST in March 2025, UTC-6) -> UTC moves every time by 6 hours.
  const entryCell = rows.first().getByTestId("trade-entry-time");
  const ct = await entryCell.innerText();
  await page.getByTestId("tz-select").selectOption("utc");
  await expect(page).toHaveURL(/tz=utc/);
  await expect(entryCell).not.toHaveText(ct);
  const utc = await entryCell.innerText();
  expect(Date.parse(`${utc.replace(" ", "T")}Z`) - Date.parse(`${ct.replace(" ", "T")}Z`)).toBe(6 * 3600_000);
  await expect(page.getByRole("columnheader", { name: /Entry \(UTC\)/ })).toBeVisible();

  // Light theme: the class on <html> changes, is remembered, and is set before the first paint.
  await expect(page.locator("html")).toHaveClass(/dark/);
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveClass(/light/);
  await expect(page.getByRole("button", { name: "Light theme" })).toHaveAttribute("aria-pressed", "true");
  await page.reload();
  await expect(page.locator("html")).toHaveClass(/light/);
  expect(await page.evaluate(() => localStorage.getItem("tickbench.tz"))).toBe("utc");
  await expect(page.getByTestId("trade-chart").getByTestId("marker-entry")).toBeVisible();
  await screenshot(page, "dashboard-trades-light");
  expect(await contrastFailures(page)).toEqual([]);
  await page.getByRole("tab", { name: "Overview" }).click();
  await expect(page.getByTestId("equity-chart")).toBeVisible();
  await screenshot(page, "dashboard-overview-light");
  expect(await contrastFailures(page)).toEqual([]);
  await page.getByRole("tab", { name: "Calendar & breakdowns" }).click();
  await expect(page.getByTestId("heatmap-day").first()).toBeVisible();
  await screenshot(page, "dashboard-analysis-light");
  expect(await contrastFailures(page)).toEqual([]);
  await page.getByRole("button", { name: "Light theme" }).click();
  await expect(page.locator("html")).toHaveClass(/dark/);

  // Keyboard: Tab reaches the trade table, arrows move the selection, Enter opens that trade.
  await page.goto(`/runs/${runId}?view=trades&sort=pnl&dir=desc`);
  await expect(rows.first()).toHaveAttribute("data-seq", String(byPnl[0].seq));
  let reached = false;
  for (let i = 0; i < 80 && !reached; i++) {
    await page.keyboard.press("Tab");
    reached = await page.evaluate(() => document.activeElement?.getAttribute("data-testid") === "trades-table");
  }
  expect(reached).toBe(true);
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(page.getByTestId("trades-table")).toHaveAttribute("aria-activedescendant", `trade-row-${byPnl[2].seq}`);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(new RegExp(`trade=${byPnl[2].seq}`));
  await expect(page.getByTestId("trade-chart")).toHaveAttribute("data-seq", String(byPnl[2].seq));
  expect(await unnamedControls(page)).toEqual([]);

  // The share page shows the same dashboard read-only, its trade list through the share token.
  const share = await page.request.post(`/api/runs/${runId}/share`, { data: {} });
  expect(share.status()).toBe(201);
  const visitor = await browser.newContext();
  const anonymous = await visitor.newPage();
  await anonymous.goto(`${(await share.json()).path}?view=trades&sort=pnl&dir=desc`);
  await expect(anonymous.getByTestId("shared-run")).toBeVisible();
  await expect(anonymous.getByTestId("trade-list-row").first()).toHaveAttribute("data-seq", String(byPnl[0].seq));
  await anonymous.getByTestId("trade-list-row").first().click();
  await expect(anonymous.getByTestId("trade-chart").getByTestId("marker-exit")).toBeVisible();
  await expect(anonymous.getByRole("button", { name: "Delete run" })).toHaveCount(0);
  await screenshot(anonymous, "dashboard-shared");
  expect(await unnamedControls(anonymous)).toEqual([]);
  await visitor.close();
});
