import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUOTE_KIND } from "../../engine/quotes/quote-columns";
import { instrumentFromFileName, ninjaTraderCarriesQuotes, ninjaTraderTickForm, NinjaTraderParser } from "./ninjatrader";
import { chunked, flatten, parseText } from "./test-support";
import { TradeBatcher } from "./trade-batcher";
import { TextRecordReader } from "./text-source";
import { WallClock } from "./wall-time";

const ns = (iso: string, extraNs = 0n) => BigInt(Date.parse(iso)) * 1_000_000n + extraNs;
const TICK = 250_000_000n; // MNQ 0.25

describe("NinjaTrader 8 tick exports", () => {
  const last = "20250303 143000 1234567;21234.25;3\r\n20250303 143000 1234567;21234.25;3\r\n20250303 143001 0000000;21234.5;1";

  it("reads Last ticks in UTC by default, 100 ns fractions exact, duplicates kept in file order", () => {
    const { trades, rejected } = parseText(new NinjaTraderParser(new WallClock()), last, TICK);
    expect(rejected).toEqual([]);
    expect(trades).toEqual([
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
      { tsRecvNs: ns("2025-03-03T14:30:00.123Z", 456_700n), tsEventNs: ns("2025-03-03T14:30:00.123Z", 456_700n), priceTicks: 84_937, size: 3, side: 0 },
      { tsRecvNs: ns("2025-03-03T14:30:01Z"), tsEventNs: ns("2025-03-03T14:30:01Z"), priceTicks: 84_938, size: 1, side: 0 },
    ]);
  });

  it("gives the same trades when fed one byte at a time", () => {
    const whole = parseText(new NinjaTraderParser(new WallClock()), last, TICK);
    expect(parseText(new NinjaTraderParser(new WallClock()), last, TICK, 1)).toEqual(whole);
  });

  it("reads local-time exports in the given zone across DST (New York: UTC-5 in winter, UTC-4 in summer)", () => {
    const text = "20250307 093000 0000000;21000;1\n20250310 093000 0000000;21000;1\n";
    const { trades } = parseText(new NinjaTraderParser(new WallClock("America/New_York")), text, TICK);
    expect(trades.map((t) => t.tsRecvNs)).toEqual([ns("2025-03-07T14:30:00Z"), ns("2025-03-10T13:30:00Z")]);
  });

  it("takes the aggressor side from bid/ask when the export has them (quote rule)", () => {
    const text = ["20250303 143000 0000000;100.25;100;100.25;2", "20250303 143000 0000000;100;100;100.25;2", "20250303 143000 0000000;100.25;100;100.5;2"].join("\n");
    const { trades } = parseText(new NinjaTraderParser(new WallClock()), text, TICK);
    expect(trades.map((t) => t.side)).toEqual([1, -1, 0]);
  });

  it("quarantines malformed, truncated and off-grid lines with the raw line and its number", () => {
    const text = "20250303 143000 0000000;21234.25;3\nnot a tick\n20250303 1430;21234.25;3\n20250303 143000 0000000;21234.1;3\n20250303 143000 00000";
    const { trades, rejected } = parseText(new NinjaTraderParser(new WallClock()), text, TICK);
    expect(trades).toHaveLength(1);
    expect(rejected.map((r) => [r.recordIndex, r.reason, r.payload.line])).toEqual([
      [2, "malformed", "not a tick"],
      [3, "malformed", "20250303 1430;21234.25;3"],
      [4, "off_tick_grid", "20250303 143000 0000000;21234.1;3"],
      [5, "malformed", "20250303 143000 00000"],
    ]);
  });

  it("refuses a minute-bar file with the number of bars: bars are not tick data", () => {
    const bars = "20250303 143000;21234.25;21240;21230;21235.5;120\n20250303 143100;21235.5;21236;21230;21231;80\n";
    expect(() => parseText(new NinjaTraderParser(new WallClock()), bars, TICK, 1 << 20, "MNQ 03-25.txt")).toThrow(/MNQ 03-25.txt holds NinjaTrader minute bars \(2 bar lines\), not tick data/);
  });
});

/** Parses text in chunks of `chunkSize` bytes into batches of `capacity`: trades, rejects and the quotes with their trade links. */
function parseQuotes(text: string, chunkSize = 1 << 20, capacity?: number) {
  const batcher = new TradeBatcher(TICK, capacity);
  const reader = new TextRecordReader(new NinjaTraderParser(new WallClock()), batcher, "MNQ 03-25.Last.txt");
  for (const chunk of chunked(new TextEncoder().encode(text), chunkSize)) reader.push(chunk);
  reader.finish();
  batcher.cut();
  const batches = batcher.takeReady();
  const quotes: { tsRecvNs: bigint; bid: number; ask: number; bidSize: number; askSize: number; kind: number; trade: number }[] = [];
  const quoteRejects: [number, string][] = [];
  const flags: [number, string][] = [];
  let read = 0;
  let tradesBefore = 0;
  for (const b of batches) {
    const q = b.quotes;
    if (!q) {
      tradesBefore += b.columns.length;
      continue;
    }
    const tradeOf = new Map<number, number>();
    for (let i = 0; i < b.columns.length; i++) if (q.quoteOfTrade[i] >= 0) tradeOf.set(q.quoteOfTrade[i], tradesBefore + i);
    const c = q.columns;
    for (let i = 0; i < c.length; i++) {
      quotes.push({ tsRecvNs: c.baseNs + BigInt(c.tsRecvOffsetNs[i]), bid: c.bidTicks[i], ask: c.askTicks[i], bidSize: c.bidSize[i], askSize: c.askSize[i], kind: c.kind[i], trade: tradeOf.get(i) ?? -1 });
    }
    quoteRejects.push(...q.rejected.map((r): [number, string] => [r.recordIndex, r.reason]));
    flags.push(...q.flagged.map((r): [number, string] => [r.recordIndex, r.reason]));
    read += q.read;
    tradesBefore += b.columns.length;
  }
  return { ...flatten(batches), quotes, quoteRejects, flags, read, batches: batches.length };
}

describe("NinjaTrader 8 tick exports with bid/ask: trades and quotes", () => {
  const BOTH = QUOTE_KIND.TRADE | QUOTE_KIND.SIZE_UNKNOWN;
  const text = [
    "20250303 143000 1234567;21234.25;21234;21234.25;3",
    "20250303 143000 1234567;21234;21234;21234.25;1",
    "20250303 143001 0000000;21234.5;21234.25;21234.75;2",
  ].join("\r\n");

  it("makes each line one trade at last and one quote (the book it printed against) of unknown sizes, linked to its trade", () => {
    const { trades, rejected, quotes, read } = parseQuotes(text);
    expect(rejected).toEqual([]);
    const t0 = ns("2025-03-03T14:30:00.123Z", 456_700n);
    expect(trades.map((t) => [t.tsRecvNs, t.priceTicks, t.size, t.side])).toEqual([
      [t0, 84_937, 3, 1],
      [t0, 84_936, 1, -1],
      [ns("2025-03-03T14:30:01Z"), 84_938, 2, 0],
    ]);
    expect(quotes).toEqual([
      { tsRecvNs: t0, bid: 84_936, ask: 84_937, bidSize: 0, askSize: 0, kind: BOTH, trade: 0 },
      { tsRecvNs: t0, bid: 84_936, ask: 84_937, bidSize: 0, askSize: 0, kind: BOTH, trade: 1 },
      { tsRecvNs: ns("2025-03-03T14:30:01Z"), bid: 84_937, ask: 84_939, bidSize: 0, askSize: 0, kind: BOTH, trade: 2 },
    ]);
    expect(read).toBe(3);
  });

  it("gives the same trades and quotes fed one byte at a time and cut into batches of 2", () => {
    const whole = parseQuotes(text);
    const small = parseQuotes(text, 1, 2);
    expect(small.batches).toBe(2);
    expect({ ...small, batches: 0 }).toEqual({ ...whole, batches: 0 });
  });

  it("rejects an off-grid quote (its trade stays, unlinked) and an off-grid trade (its quote stays, not marked as a trade's)", () => {
    const lines = ["20250303 143000 0000000;100.25;100.1;100.5;1", "20250303 143001 0000000;100.3;100;100.5;1"].join("\n");
    const { trades, rejected, quotes, quoteRejects, read } = parseQuotes(lines);
    expect(trades.map((t) => t.priceTicks)).toEqual([401]);
    expect(rejected.map((r) => [r.recordIndex, r.reason])).toEqual([[2, "off_tick_grid"]]);
    expect(quoteRejects).toEqual([[1, "quote_off_tick_grid"]]);
    expect(quotes).toEqual([{ tsRecvNs: ns("2025-03-03T14:30:01Z"), bid: 400, ask: 402, bidSize: 0, askSize: 0, kind: QUOTE_KIND.SIZE_UNKNOWN, trade: -1 }]);
    expect(read).toBe(2);
  });

  it("stores crossed and locked quotes and flags them; rejects a quote earlier than the previous one", () => {
    const lines = [
      "20250303 143000 0000000;100.25;100.5;100.25;1", // bid > ask: crossed
      "20250303 143001 0000000;100.25;100.25;100.25;1", // bid = ask: locked
      "20250303 143000 5000000;100.25;100;100.25;1", // back in time
    ].join("\n");
    const { quotes, flags, quoteRejects, trades } = parseQuotes(lines);
    expect(quotes.map((q) => [q.bid, q.ask, q.trade])).toEqual([
      [402, 401, 0],
      [401, 401, 1],
    ]);
    expect(flags).toEqual([
      [1, "flag_crossed_quote"],
      [2, "flag_locked_quote"],
    ]);
    expect(quoteRejects).toEqual([[3, "quote_out_of_order"]]);
    // The trade is judged by trade validation (out_of_order) later, not here.
    expect(trades).toHaveLength(3);
  });

  it("quarantines malformed and truncated lines, and lines of the other form than the file's first tick line", () => {
    const lines = [
      "20250303 143000 0000000;100.25;100;100.25;1",
      "20250303 143000 0000000;100.25;1",
      "20250303 143000 0000000;100.25;x;100.25;1",
      "20250303 143000 0000000;100.25;100;100.2",
    ].join("\n");
    const { trades, rejected, quotes } = parseQuotes(lines);
    expect(trades).toHaveLength(1);
    expect(quotes).toHaveLength(1);
    expect(rejected.map((r) => [r.recordIndex, r.reason, r.payload.detail])).toEqual([
      [2, "malformed", "a price;volume line in a last;bid;ask;volume export"],
      [3, "malformed", "bid/ask are not numbers"],
      [4, "malformed", "4 fields, expected 3 or 5"],
    ]);
    const last = parseQuotes("20250303 143000 0000000;100.25;1\n20250303 143000 0000000;100.25;100;100.25;1");
    expect(last.rejected.map((r) => r.payload.detail)).toEqual(["a last;bid;ask;volume line in a price;volume export"]);
    expect(last.quotes).toEqual([]);
  });

  it("makes no quotes for a Last export", () => {
    const { batches } = parseQuotes("20250303 143000 0000000;100.25;1\n");
    expect(batches).toBe(1);
    const batcher = new TradeBatcher(TICK);
    const reader = new TextRecordReader(new NinjaTraderParser(new WallClock()), batcher, "x.txt");
    reader.push(new TextEncoder().encode("20250303 143000 0000000;100.25;1\n"));
    reader.finish();
    batcher.cut();
    expect(batcher.takeReady()[0].quotes).toBeUndefined();
  });
});

describe("NinjaTrader tick form of files", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "nt-form-"));
    await writeFile(join(dir, "quotes.txt"), "\n20250303 143000 0000000;100.25;100;100.25;1\n");
    await writeFile(join(dir, "last.txt"), "20250303 143000 0000000;100.25;1\n");
    await writeFile(join(dir, "junk.txt"), "no ticks here\n");
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("tells the two forms from the first tick line and refuses an import mixing them", async () => {
    expect(await ninjaTraderTickForm(join(dir, "quotes.txt"))).toBe("quotes");
    expect(await ninjaTraderTickForm(join(dir, "last.txt"))).toBe("last");
    expect(await ninjaTraderTickForm(join(dir, "junk.txt"))).toBeNull();
    expect(await ninjaTraderCarriesQuotes([join(dir, "quotes.txt"), join(dir, "junk.txt")])).toBe(true);
    expect(await ninjaTraderCarriesQuotes([join(dir, "last.txt")])).toBe(false);
    await expect(ninjaTraderCarriesQuotes([join(dir, "last.txt"), join(dir, "quotes.txt")])).rejects.toThrow(/both tick forms cannot be imported together/);
  });
});

describe("instrument from a vendor file name", () => {
  it("reads NinjaTrader and CME-style names", () => {
    expect(instrumentFromFileName("MNQ 12-25.Last.txt")).toBe("MNQZ5");
    expect(instrumentFromFileName("/data/ES 09-24.Last.txt")).toBe("ESU4");
    expect(instrumentFromFileName("MNQZ25-CME.scid")).toBe("MNQZ5");
    expect(instrumentFromFileName("ESH4_FUT_CME.scid")).toBe("ESH4");
    expect(instrumentFromFileName("ticks.txt")).toBeNull();
  });
});
