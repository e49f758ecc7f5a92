/**
 * Exports of a finished run's result: trades, fills and equity as CSV or JSON, the full result as JSON
 * (with the run's provenance, so every figure can be reproduced) and a self-contained HTML report.
 *
 * Pure: the caller loads the run and its result (all trades). Invariants:
 * - CSV follows RFC 4180: CRLF line ends, a field is quoted when it holds a comma, quote, CR or LF,
 *   quotes doubled. Money has two decimals, prices are index points as stored.
 * - Trade times keep the engine's nanosecond precision (ISO 8601 UTC, nine fraction digits);
 *   equity times are the stored milliseconds.
 * - The HTML report opens offline: inline CSS and SVG only, no script, no external resource, a
 *   Content-Security-Policy that forbids both, and every text escaped (run names are user input).
 */
import { lttb, underwaterSeries } from "../statistics";
import type { EquitySeriesDto, RunDto, RunResultDto, TradeDto } from "./run-dto";
import type { FillDto } from "./run-fills";

export const EXPORT_FORMATS = ["trades.csv", "trades.json", "fills.csv", "fills.json", "equity.csv", "equity.json", "result.json", "report.html"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportInput {
  run: RunDto;
  result: RunResultDto;
  /** Every fill in fill order; loaded only for the fills formats (absent = none stored). */
  fills?: readonly FillDto[];
}

export interface ExportFile {
  body: string;
  contentType: string;
  filename: string;
}

/** Points per chart in the HTML report. */
export const REPORT_CHART_POINTS = 2000;

const CONTENT_TYPES: Record<ExportFormat, string> = {
  "trades.csv": "text/csv; charset=utf-8",
  "trades.json": "application/json; charset=utf-8",
  "fills.csv": "text/csv; charset=utf-8",
  "fills.json": "application/json; charset=utf-8",
  "equity.csv": "text/csv; charset=utf-8",
  "equity.json": "application/json; charset=utf-8",
  "result.json": "application/json; charset=utf-8",
  "report.html": "text/html; charset=utf-8",
};

export function buildExport(format: ExportFormat, input: ExportInput): ExportFile {
  const body = {
    "trades.csv": () => tradesCsv(input.result.trades),
    "trades.json": () => tradesJson(input.result.trades),
    "fills.csv": () => fillsCsv(input.fills ?? []),
    "fills.json": () => fillsJson(input.fills ?? []),
    "equity.csv": () => equityCsv(input.result.equity),
    "equity.json": () => equityJson(input.result.equity),
    "result.json": () => resultJson(input),
    "report.html": () => reportHtml(input),
  }[format]();
  return { body, contentType: CONTENT_TYPES[format], filename: `${slugify(input.run.name)}-${format}` };
}

/** ASCII file-name stem of a run name: lowercase letters, digits and single dashes; "run" if empty. */
export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 80)
    .replace(/^-+|-+$/g, "");
  return slug || "run";
}

// ---- CSV and JSON ------------------------------------------------------------------------------

export function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

const NS_PER_S = 1_000_000_000n;

/** ns since epoch (decimal string) -> `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ`, exact. */
export function nsToIso(ns: string): string {
  const total = BigInt(ns);
  let seconds = total / NS_PER_S;
  let fraction = total % NS_PER_S;
  if (fraction < 0n) {
    fraction += NS_PER_S;
    seconds -= 1n;
  }
  const whole = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  return `${whole}.${fraction.toString().padStart(9, "0")}Z`;
}

const usd = (value: number) => value.toFixed(2);
const sideName = (side: number) => (side > 0 ? "long" : "short");

export const TRADES_CSV_HEADER = ["seq", "side", "qty", "entry_time", "exit_time", "entry_price", "exit_price", "pnl_usd", "fees_usd", "net_usd"] as const;

export function tradesCsv(trades: readonly TradeDto[]): string {
  return toCsv(
    TRADES_CSV_HEADER,
    trades.map((t) => [t.seq, sideName(t.side), t.qty, nsToIso(t.entryNs), nsToIso(t.exitNs), t.entryPrice, t.exitPrice, usd(t.pnlUsd), usd(t.feesUsd), usd(t.netUsd)]),
  );
}

/** The trades as stored (`TradeDto[]`): times stay ns strings, so nothing loses precision. */
export function tradesJson(trades: readonly TradeDto[]): string {
  return JSON.stringify(trades, null, 2);
}

export const FILLS_CSV_HEADER = [
  "seq",
  "round_trip",
  "order_id",
  "time",
  "side",
  "qty",
  "price",
  "price_ticks",
  "fee_usd",
  "position_after",
  "model",
  "rule",
  "latency_ns",
  "response_latency_ns",
  "slippage_ticks",
  "queue_position",
  "market_trade_time",
] as const;

/**
 * One row per fill with its audit fields; empty cells where a field does not apply (no rule on a
 * market order, no queue position outside the queue models). `round_trip` is the trip the fill
 * opened, added to or closed (a reversal also opens the next one); `market_trade_time` is the
 * market trade it filled against.
 */
export function fillsCsv(fills: readonly FillDto[]): string {
  const opt = (v: string | number | null) => (v === null ? "" : v);
  return toCsv(
    FILLS_CSV_HEADER,
    fills.map((f) => [
      f.seq,
      f.tradeSeq,
      f.orderId,
      nsToIso(f.tsNs),
      f.side > 0 ? "buy" : "sell",
      f.qty,
      f.price,
      f.priceTicks,
      usd(f.feeUsd),
      f.positionAfter,
      f.model,
      opt(f.rule),
      f.latencyNs,
      opt(f.responseLatencyNs),
      f.slippageTicks,
      opt(f.queuePosition),
      nsToIso(f.detail.tradeTsNs),
    ]),
  );
}

/** The fills as stored (`FillDto[]`), with the engine's full reason under `detail`. */
export function fillsJson(fills: readonly FillDto[]): string {
  return JSON.stringify(fills, null, 2);
}

export function equityCsv(equity: EquitySeriesDto): string {
  return toCsv(
    ["ts_utc", "equity_usd"],
    equity.tsMs.map((ts, i) => [new Date(ts).toISOString(), usd(equity.equityUsd[i])]),
  );
}

export function equityJson(equity: EquitySeriesDto): string {
  return JSON.stringify(equity);
}

/** What is needed to reproduce the run: data version, code version, configuration and seed. */
export function provenance(run: RunDto) {
  return {
    runId: run.id,
    name: run.name,
    status: run.status,
    strategy: { id: run.strategyId, params: run.params },
    config: run.config,
    dataset: { name: run.datasetName, version: run.datasetVersion, deleted: run.datasetDeleted },
    engineVersion: run.engineVersion,
    seed: run.seed,
    queuedAt: run.queuedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
  };
}

export function resultJson({ run, result }: ExportInput): string {
  return JSON.stringify(
    {
      run: provenance(run),
      resultHash: result.resultHash,
      tradeCount: result.tradeCount,
      metrics: result.metrics,
      statistics: result.statistics,
      equity: result.equity,
      trades: result.trades,
    },
    null,
    2,
  );
}

// ---- HTML report -------------------------------------------------------------------------------

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function money(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  const [int, frac] = Math.abs(value).toFixed(2).split(".");
  return `${value < 0 ? "−" : ""}$${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}
const num = (value: number | null | undefined, digits = 2) => (value === null || value === undefined || !Number.isFinite(value) ? "–" : value.toFixed(digits));
const pct = (value: number | null | undefined) => (value === null || value === undefined || !Number.isFinite(value) ? "–" : `${(value * 100).toFixed(2)}%`);
const hours = (ms: number | null | undefined) => (ms === null || ms === undefined ? "–" : `${(ms / 3_600_000).toFixed(1)} h`);
const isoMs = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

function table(rows: readonly [string, string][], label: string): string {
  const body = rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("");
  return `<table class="kv" aria-label="${escapeHtml(label)}"><tbody>${body}</tbody></table>`;
}

const CHART = { width: 960, height: 220, left: 84, right: 8, top: 8, bottom: 22 };

/** A line chart as inline SVG: the series downsampled with LTTB, y labels at min and max. */
export function svgLineChart(xs: readonly number[], ys: readonly number[], opts: { label: string; formatY: (v: number) => string; className: string }): string {
  const { width, height, left, right, top, bottom } = CHART;
  const head = `<svg class="chart ${opts.className}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(opts.label)}">`;
  if (xs.length === 0) return `${head}<text x="${width / 2}" y="${height / 2}" text-anchor="middle">No data</text></svg>`;
  const sampled = lttb(xs, ys, REPORT_CHART_POINTS);
  const [x0, x1] = [sampled.xs[0], sampled.xs[sampled.xs.length - 1]];
  let [y0, y1] = [Math.min(...sampled.ys), Math.max(...sampled.ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const px = (x: number) => left + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (width - left - right);
  const py = (y: number) => top + (1 - (y - y0) / (y1 - y0)) * (height - top - bottom);
  const points = sampled.xs.map((x, i) => `${px(x).toFixed(1)},${py(sampled.ys[i]).toFixed(1)}`).join(" ");
  const axisY = height - bottom;
  return [
    head,
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${axisY}"/><line class="axis" x1="${left}" y1="${axisY}" x2="${width - right}" y2="${axisY}"/>`,
    `<text x="${left - 4}" y="${top + 10}" text-anchor="end">${escapeHtml(opts.formatY(y1))}</text>`,
    `<text x="${left - 4}" y="${axisY}" text-anchor="end">${escapeHtml(opts.formatY(y0))}</text>`,
    `<text x="${left}" y="${height - 4}">${escapeHtml(isoMs(x0))}</text>`,
    `<text x="${width - right}" y="${height - 4}" text-anchor="end">${escapeHtml(isoMs(x1))}</text>`,
    `<polyline fill="none" points="${points}"/>`,
    "</svg>",
  ].join("");
}

function metricsRows(result: RunResultDto): [string, string][] {
  const m = result.metrics;
  return [
    ["Net P&L", money(m.netPnlUsd)],
    ["Gross P&L", money(m.grossPnlUsd)],
    ["Fees", money(m.feesUsd)],
    ["Round trips", String(m.roundTrips)],
    ["Winners / losers", `${m.winners} / ${m.losers}`],
    ["Starting cash", money(m.startingCashUsd)],
    ["Final equity", money(m.finalEquityUsd)],
    ["Events processed", String(m.events)],
  ];
}

function statisticsRows(stats: NonNullable<RunResultDto["statistics"]>): [string, string][] {
  const all = stats.trades.all;
  return [
    ["Win rate", pct(all.winRate)],
    ["Profit factor", all.profitFactorInfinite ? "∞" : num(all.profitFactor)],
    ["Expectancy per trade", money(all.expectancy?.usd)],
    ["Largest winner / loser", `${money(all.largestWinner?.usd)} / ${money(all.largestLoser?.usd)}`],
    ["Max consecutive wins / losses", `${all.maxConsecutiveWins} / ${all.maxConsecutiveLosses}`],
    ["SQN", num(all.sqn)],
    ["Max drawdown", `${money(stats.drawdown.maxDrawdownUsd)} (${pct(stats.drawdown.maxDrawdownPct)})`],
    ["Longest drawdown", hours(stats.drawdown.longestDrawdownMs)],
    ["Sharpe (annualised, daily)", num(stats.returns.sharpe)],
    ["Sortino", stats.returns.sortinoInfinite ? "∞" : num(stats.returns.sortino)],
    ["Calmar", num(stats.returns.calmar)],
    ["Probabilistic Sharpe ratio", pct(stats.returns.psr)],
    ["Time in market", pct(stats.exposure.wallFraction)],
  ];
}

function provenanceRows(run: RunDto, result: RunResultDto): [string, string][] {
  return [
    ["Run", `${run.name} (${run.id})`],
    ["Strategy", `${run.strategyId} ${JSON.stringify(run.params)}`],
    ["Dataset", `${run.datasetName} v${run.datasetVersion}${run.datasetDeleted ? " (deleted)" : ""}`],
    ["Engine version", run.engineVersion ?? "–"],
    ["Seed", String(run.seed)],
    ["Configuration", JSON.stringify(run.config)],
    ["Finished", run.finishedAt ?? "–"],
    ["Result hash", result.resultHash],
  ];
}

function tradesTable(trades: readonly TradeDto[]): string {
  const head = `<tr>${["#", "Side", "Qty", "Entry (UTC)", "Exit (UTC)", "Entry", "Exit", "P&L", "Fees", "Net"].map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join("")}</tr>`;
  const rows = trades
    .map((t) => {
      const cells = [t.seq, sideName(t.side), t.qty, nsToIso(t.entryNs), nsToIso(t.exitNs), t.entryPrice, t.exitPrice, money(t.pnlUsd), money(t.feesUsd), money(t.netUsd)];
      return `<tr class="${t.netUsd < 0 ? "neg" : ""}">${cells.map((c) => `<td>${escapeHtml(c)}</td>`).join("")}</tr>`;
    })
    .join("\n");
  return `<table class="trades"><thead>${head}</thead><tbody>\n${rows}\n</tbody></table>`;
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#18181b;background:#fff}
h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:24px 0 8px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px}
table{border-collapse:collapse;font-variant-numeric:tabular-nums}
.kv th{text-align:left;font-weight:500;color:#52525b;padding:2px 16px 2px 0}.kv td{text-align:right;padding:2px 0}
.trades{width:100%;font-size:12px}.trades th,.trades td{padding:2px 6px;border-bottom:1px solid #e4e4e7;text-align:right;white-space:nowrap}
.trades tr.neg td:last-child{color:#b91c1c}
.chart{width:100%;height:auto;max-width:960px;display:block}.chart text{font-size:11px;fill:#52525b}
.chart .axis{stroke:#a1a1aa;stroke-width:1}.chart polyline{stroke-width:1.5}
.equity polyline{stroke:#2563eb}.underwater polyline{stroke:#b91c1c}
.muted{color:#71717a}
`;

/** A self-contained report: no scripts, no network; every text escaped. */
export function reportHtml({ run, result }: ExportInput): string {
  const { equity, statistics } = result;
  const startingCashCents = Math.round(result.metrics.startingCashUsd * 100);
  const underwater = underwaterSeries({ tsMs: equity.tsMs, equityCents: equity.equityUsd.map((v) => Math.round(v * 100)) }, startingCashCents);
  const title = `${run.name} – Tickbench report`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(run.name)}</h1><p class="muted">${escapeHtml(`${run.strategyId} on ${run.datasetName} v${run.datasetVersion} · ${result.tradeCount} round trips`)}</p></header>
<div class="grid">
<section><h2>Headline metrics</h2>${table(metricsRows(result), "Headline metrics")}</section>
<section><h2>Key statistics</h2>${statistics ? table(statisticsRows(statistics), "Key statistics") : '<p class="muted">Statistics are not available for this run.</p>'}</section>
<section><h2>Provenance</h2>${table(provenanceRows(run, result), "Provenance")}</section>
</div>
<section><h2>Equity</h2>${svgLineChart(equity.tsMs, equity.equityUsd, { label: "Equity curve (USD)", formatY: money, className: "equity" })}</section>
<section><h2>Underwater (drawdown from peak)</h2>${svgLineChart(
    underwater.tsMs,
    underwater.drawdownCents.map((c) => c / 100),
    { label: "Underwater curve (USD below the running peak)", formatY: money, className: "underwater" },
  )}</section>
<section><h2>Trades (${escapeHtml(result.trades.length)})</h2>${tradesTable(result.trades)}</section>
</body>
</html>
`;
}
