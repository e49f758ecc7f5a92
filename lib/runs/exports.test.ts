import { describe, expect, it } from "vitest";
import { computeStatistics } from "../statistics";
import { MNQ } from "../statistics/test-support";
import { EXPORT_FORMATS, FILLS_CSV_HEADER, REPORT_CHART_POINTS, buildExport, csvField, equityCsv, fillsCsv, fillsJson, nsToIso, reportHtml, resultJson, slugify, toCsv, tradesCsv, tradesJson } from "./exports";
import type { FillDto } from "./run-fills";
import type { RunDto, RunResultDto, TradeDto } from "./run-dto";

const T0_MS = Date.parse("2025-03-04T14:30:00Z");

function trade(seq: number, side: 1 | -1, entryNs: bigint, exitNs: bigint, pnlCents: number, feesCents = 124): TradeDto {
  return {
    seq,
    side,
    qty: 1,
    entryNs: entryNs.toString(),
    exitNs: exitNs.toString(),
    entryPrice: 21000.25,
    exitPrice: 21001.5,
    pnlUsd: pnlCents / 100,
    feesUsd: feesCents / 100,
    netUsd: (pnlCents - feesCents) / 100,
  };
}

function fixture(name: string, equityPoints = 5): { run: RunDto; result: RunResultDto } {
  const t0Ns = BigInt(T0_MS) * 1_000_000n;
  const trades = [trade(1, 1, t0Ns + 123_456_789n, t0Ns + 60_000_000_001n, 250), trade(2, -1, t0Ns + 120_000_000_000n, t0Ns + 180_999_999_999n, -500)];
  const tsMs = Array.from({ length: equityPoints }, (_, i) => T0_MS + i * 1000);
  const equityCents = tsMs.map((_, i) => 10_000_000 + Math.round(5000 * Math.sin(i / 7)));
  const statistics = computeStatistics({
    trades: trades.map((t) => ({
      side: t.side as 1 | -1,
      qty: t.qty,
      entryTimeNs: BigInt(t.entryNs),
      exitTimeNs: BigInt(t.exitNs),
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnlCents: Math.round(t.pnlUsd * 100),
      feesCents: Math.round(t.feesUsd * 100),
      netCents: Math.round(t.netUsd * 100),
    })),
    equity: { tsMs, equityCents },
    startingCashCents: 10_000_000,
    instrument: MNQ,
    options: { bootstrapResamples: 10, monteCarloPaths: 10 },
  });
  const run: RunDto = {
    runId: "5f0c1a9e-0000-4000-8000-000000000001",
    id: "5f0c1a9e-0000-4000-8000-000000000001",
    status: "succeeded",
    progress: 1,
    eventsProcessed: 1000,
    eventsTotal: 1000,
    eventsPerSec: 0,
    simTimeNs: null,
    equityUsd: null,
    etaMs: null,
    heartbeatAt: null,
    stalled: false,
    attempt: 1,
    error: null,
    finishedAt: "2025-03-05T00:00:00.000Z",
    name,
    strategyId: "sma-cross",
    params: { fast: 5, slow: 20 },
    config: { fillModel: "l1-trades", startingCashUsd: 100_000, seed: 7 },
    datasetId: 1,
    datasetName: "mnq-demo",
    datasetVersion: 3,
    datasetDeleted: false,
    visibility: "private",
    tags: [],
    notes: null,
    engineVersion: "engine-1.2.3",
    strategyCodeHash: null,
    seed: 7,
    queuedAt: "2025-03-04T23:59:00.000Z",
    startedAt: "2025-03-04T23:59:01.000Z",
  };
  const result: RunResultDto = {
    runId: run.id,
    metrics: {
      netPnlUsd: -3.98,
      grossPnlUsd: -2.5,
      feesUsd: 2.48,
      netPnlCents: -498,
      grossPnlCents: -250,
      feesCents: 248,
      roundTrips: 2,
      winners: 1,
      losers: 1,
      events: 1000,
      startingCashUsd: 100_000,
      finalEquityUsd: equityCents[equityCents.length - 1] / 100,
    },
    statistics,
    equity: { tsMs, equityUsd: equityCents.map((c) => c / 100) },
    tradeCount: trades.length,
    resultHash: "ab".repeat(32),
    trades,
  };
  return { run, result };
}

/** Minimal RFC 4180 reader for the assertions (quoted fields, doubled quotes, CRLF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  return rows;
}

describe("CSV exports", () => {
  it("quotes fields with commas, quotes or line breaks per RFC 4180 and leaves plain ones alone", () => {
    const name = 'SMA "fast", 5/20\nMNQ';
    expect(csvField(name)).toBe('"SMA ""fast"", 5/20\nMNQ"');
    expect(csvField("plain name")).toBe("plain name");
    expect(csvField(-3.5)).toBe("-3.5");
    const csv = toCsv(["name", "value"], [[name, 1]]);
    expect(csv).toBe('name,value\r\n"SMA ""fast"", 5/20\nMNQ",1\r\n');
    expect(parseCsv(csv)).toEqual([["name", "value"], [name, "1"]]);
  });

  it("converts ns timestamps to ISO UTC exactly, nine fraction digits", () => {
    expect(nsToIso("1741098600123456789")).toBe("2025-03-04T14:30:00.123456789Z");
    expect(nsToIso("1741098660000000001")).toBe("2025-03-04T14:31:00.000000001Z");
    expect(nsToIso("0")).toBe("1970-01-01T00:00:00.000000000Z");
    expect(nsToIso("-1")).toBe("1969-12-31T23:59:59.999999999Z");
  });

  it("writes one row per trade with side names, exact times and money to the cent", () => {
    const { result } = fixture("x");
    const rows = parseCsv(tradesCsv(result.trades));
    expect(rows[0]).toEqual(["seq", "side", "qty", "entry_time", "exit_time", "entry_price", "exit_price", "pnl_usd", "fees_usd", "net_usd"]);
    expect(rows).toHaveLength(result.trades.length + 1);
    expect(rows[1]).toEqual(["1", "long", "1", "2025-03-04T14:30:00.123456789Z", "2025-03-04T14:31:00.000000001Z", "21000.25", "21001.5", "2.50", "1.24", "1.26"]);
    expect(rows[2].slice(1, 5)).toEqual(["short", "1", "2025-03-04T14:32:00.000000000Z", "2025-03-04T14:33:00.999999999Z"]);
    expect(rows[2][9]).toBe("-6.24");
  });

  it("writes the equity series with UTC times", () => {
    const { result } = fixture("x", 2);
    expect(equityCsv(result.equity)).toBe(`ts_utc,equity_usd\r\n2025-03-04T14:30:00.000Z,100000.00\r\n2025-03-04T14:30:01.000Z,${(result.equity.equityUsd[1]).toFixed(2)}\r\n`);
  });
});

describe("JSON exports", () => {
  it("round-trip trades and the full result, with the run's provenance", () => {
    const input = fixture('Run "A", <b>');
    expect(JSON.parse(tradesJson(input.result.trades))).toEqual(input.result.trades);
    const full = JSON.parse(resultJson(input));
    expect(full.run).toMatchObject({
      name: 'Run "A", <b>',
      strategy: { id: "sma-cross", params: { fast: 5, slow: 20 } },
      dataset: { name: "mnq-demo", version: 3 },
      engineVersion: "engine-1.2.3",
      seed: 7,
      config: input.run.config,
    });
    expect(full.metrics).toEqual(input.result.metrics);
    expect(full.statistics).toEqual(JSON.parse(JSON.stringify(input.result.statistics)));
    expect(full.equity).toEqual(input.result.equity);
    expect(full.trades).toEqual(input.result.trades);
    expect(JSON.parse(buildExport("equity.json", input).body)).toEqual(input.result.equity);
  });
});

describe("HTML report", () => {
  it("is self-contained: no scripts, no external URLs", () => {
    const html = reportHtml(fixture("Plain run", 50));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("<style>");
    expect(html.match(/<polyline /g)).toHaveLength(2);
    expect(html).toContain("Headline metrics");
    expect(html).toContain("Key statistics");
    expect(html).toContain("2025-03-04T14:30:00.123456789Z");
  });

  it("escapes user text such as a run name holding markup", () => {
    const html = reportHtml(fixture('<script>alert("x")</script> & <img src=x onerror=1>'));
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x onerror=1&gt;");
  });

  it(`downsamples each curve to at most ${REPORT_CHART_POINTS} points`, () => {
    const html = reportHtml(fixture("big", 10_000));
    const polylines = [...html.matchAll(/<polyline fill="none" points="([^"]*)"/g)].map((m) => m[1].split(" ").length);
    expect(polylines).toEqual([REPORT_CHART_POINTS, REPORT_CHART_POINTS]);
  });

  it("renders a run without statistics or equity", () => {
    const input = fixture("empty", 0);
    const html = reportHtml({ run: input.run, result: { ...input.result, statistics: null, trades: [] } });
    expect(html).toContain("Statistics are not available");
    expect(html).toContain("No data");
  });
});

describe("buildExport", () => {
  it("names files after the run's slug and the format, with a content type per format", () => {
    const input = fixture("  Ünïcode, SMA 5/20 on MNQ!  ");
    for (const format of EXPORT_FORMATS) {
      const file = buildExport(format, input);
      expect(file.filename).toBe(`unicode-sma-5-20-on-mnq-${format}`);
      expect(file.contentType).toMatch(format.endsWith(".csv") ? /^text\/csv/ : format.endsWith(".json") ? /^application\/json/ : /^text\/html/);
    }
    expect(slugify("<<>>")).toBe("run");
  });
});

describe("fills exports", () => {
  const fill = (over: Partial<FillDto>): FillDto => ({
    seq: 1,
    orderId: 7,
    tradeSeq: 1,
    tsNs: "1741098600123456789",
    tsMs: 1741098600123.456,
    side: 1,
    qty: 2,
    priceTicks: 84001,
    price: 21000.25,
    feeUsd: 1.24,
    positionAfter: 2,
    model: "l1-trades",
    rule: null,
    latencyNs: 3_000_000,
    responseLatencyNs: null,
    slippageTicks: 0,
    queuePosition: null,
    detail: { batch: 0, tradeIndex: 12, tradeTsNs: "1741098600123000000" },
    ...over,
  });

  it("writes one row per fill with the audit columns, empty where a field does not apply", () => {
    const fills = [fill({}), fill({ seq: 2, orderId: 8, side: -1, positionAfter: 0, tsNs: "1741098660000000001", price: 21001.5, priceTicks: 84006, model: "l2-queue", rule: "queue", queuePosition: 14, responseLatencyNs: 250_000, feeUsd: 0.5 })];
    const lines = fillsCsv(fills).split("\r\n");
    expect(lines[0]).toBe(FILLS_CSV_HEADER.join(","));
    expect(lines[1]).toBe("1,1,7,2025-03-04T14:30:00.123456789Z,buy,2,21000.25,84001,1.24,2,l1-trades,,3000000,,0,,2025-03-04T14:30:00.123000000Z");
    expect(lines[2]).toBe("2,1,8,2025-03-04T14:31:00.000000001Z,sell,2,21001.5,84006,0.50,0,l2-queue,queue,3000000,250000,0,14,2025-03-04T14:30:00.123000000Z");
    expect(lines).toHaveLength(4);
    expect(JSON.parse(fillsJson(fills))).toEqual(fills);
  });

  it("exports no rows when the run stored no fills", () => {
    expect(fillsCsv([])).toBe(FILLS_CSV_HEADER.join(",") + "\r\n");
    expect(buildExport("fills.json", { ...fixture("x") }).body).toBe("[]");
  });
});
