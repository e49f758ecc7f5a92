import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mboColumns, type MboLiteral } from "../../book/test-support/mbo-records";
import { getContractSpec } from "../../market/contract-spec";
import type { MboColumns } from "../../market/mbo-columns";
import type { BookFillModelName, Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import type { StrategyModule } from "../strategy";
import { BookBacktestEngine } from "./book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";
import type { QueueProbability } from "./queue-model";

const ES = getContractSpec("ES");
const TICK_CENTS = ES.tickValueCents; // 1250: $12.50 per tick
const MID = 0; // flags for a record inside an event (no LAST)

/** A strategy that runs `script[k]` at the k-th onBook (0-based) and records queue positions. */
function scripted(script: Record<number, (ctx: BookStrategyContext) => void>, log: { ahead: number[]; ids: number[] }): StrategyModule {
  return {
    id: "scripted",
    name: "scripted",
    description: "test",
    paramsSchema: z.object({}),
    create(): BookStrategyHandlers {
      let k = 0;
      return {
        onStart() {},
        onBook(ctx) {
          script[k]?.(ctx);
          if (log.ids.length > 0) log.ahead.push(ctx.queueAhead(log.ids[0]));
          k++;
        },
      };
    },
  };
}

function run(records: readonly MboLiteral[], strategy: StrategyModule, fillModel: BookFillModelName, options: { latencyNs?: number; queueModel?: QueueProbability } = {}) {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params: {},
    fillModel,
    startingCashCents: 1_000_000,
    seed: 1,
    tickSizeNano: ES.tickSizeNano,
    ...options,
  });
  const columns: MboColumns = mboColumns(records);
  engine.processBatch(columns, 0, columns.length);
  return engine.finish();
}

const fillsOf = (fills: readonly Fill[]) => fills.map((f) => [f.side, f.qty, f.priceTicks, f.reason.model, f.reason.rule ?? null, f.reason.queuePosition ?? null]);

describe("l3-fifo: our limit in the real FIFO queue", () => {
  // Bids at 100.00 (400 ticks): id1 x5 then id2 x3; one ask at 100.25. We join behind both (8 ahead).
  const records: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 5, id: 1 },
    { action: "A", side: "B", price: 100, size: 3, id: 2 },
    { action: "A", side: "A", price: 100.25, size: 10, id: 9 }, // boundary 2: buy 4 @ 100.00
    { action: "A", side: "B", price: 100, size: 2, id: 3 }, // behind us
    { action: "C", side: "B", price: 100, size: 2, id: 3 }, // cancel behind: no advance
    { action: "C", side: "B", price: 100, size: 5, id: 1 }, // cancel ahead: 3 ahead
    { action: "T", side: "A", price: 100, size: 2, id: 77, flags: MID }, // trade 2 < 3 ahead: no fill
    { action: "F", side: "B", price: 100, size: 2, id: 2, flags: MID },
    { action: "C", side: "B", price: 100, size: 2, id: 2 }, // 1 ahead
    { action: "T", side: "A", price: 100, size: 3, id: 78, flags: MID }, // 1 ahead consumed, 2 reach us
    { action: "C", side: "B", price: 100, size: 1, id: 2 },
    { action: "T", side: "A", price: 99.75, size: 1, id: 79 }, // prints through 100.00: the rest fills
  ];

  it("advances on cancels and fills ahead only, fills partially, then fills the rest on a trade-through", () => {
    const log = { ahead: [] as number[], ids: [] as number[] };
    const strategy = scripted({ 2: (ctx) => log.ids.push(ctx.submitLimit(1, 4, 400).id) }, log);
    const result = run(records, strategy, "l3-fifo");
    // queueAhead after each boundary from the one where we submitted: not in the book yet (NaN),
    // joined with 8 ahead (id2's add is behind us, its cancel changes nothing), 3 after id1's cancel,
    // 1 after id2's partial fill, 0 once id2 is gone; NaN once we are filled.
    expect(log.ahead).toEqual([NaN, 8, 8, 3, 1, 0, NaN]);
    expect(fillsOf(result.fills)).toEqual([
      [1, 2, 400, "l3-fifo", "queue", 1],
      [1, 2, 400, "l3-fifo", "trade-through", 0],
      [-1, 4, 399, "end-of-data", null, null],
    ]);
    // Long 4 at 100.00, closed at the last trade 99.75: 4 x -1 tick.
    expect(result.metrics.netPnlCents).toBe(4 * -1 * TICK_CENTS);
    expect(result.finalPositionQty).toBe(0);
  });

  it("queues behind an add that reached the book during the entry latency", () => {
    const latencyRecords: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1, tsNs: 0 },
      { action: "A", side: "A", price: 100.25, size: 5, id: 9, tsNs: 1000 }, // boundary 1: buy 1 @ 100.00
      { action: "A", side: "B", price: 100, size: 4, id: 2, tsNs: 2000 }, // before our arrival at 2500
      { action: "A", side: "B", price: 100, size: 7, id: 3, tsNs: 3000 }, // after it: behind us
    ];
    const aheadWith = (latencyNs: number) => {
      const log = { ahead: [] as number[], ids: [] as number[] };
      run(latencyRecords, scripted({ 1: (ctx) => log.ids.push(ctx.submitLimit(1, 1, 400).id) }, log), "l3-fifo", { latencyNs });
      return log.ahead;
    };
    expect(aheadWith(1500)).toEqual([NaN, NaN, 9]);
    expect(aheadWith(0)).toEqual([NaN, 5, 5]);
  });

  it("walks three ask levels with a market order", () => {
    const walk: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 1, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 2, id: 11 },
      { action: "A", side: "A", price: 100.5, size: 3, id: 12 },
      { action: "A", side: "A", price: 100.75, size: 4, id: 13 }, // boundary 3: market buy 7
      { action: "A", side: "B", price: 99, size: 1, id: 50 },
    ];
    const result = run(walk, scripted({ 3: (ctx) => ctx.submitMarket(1, 7) }, { ahead: [], ids: [] }), "l3-fifo");
    expect(fillsOf(result.fills)).toEqual([
      [1, 2, 401, "l3-fifo", "book-walk", null],
      [1, 3, 402, "l3-fifo", "book-walk", null],
      [1, 2, 403, "l3-fifo", "book-walk", null],
      // No trade ever printed: closed at the best bid, 100.00.
      [-1, 7, 400, "end-of-data", null, null],
    ]);
    expect(result.metrics.grossPnlCents).toBe((7 * 400 - (2 * 401 + 3 * 402 + 2 * 403)) * TICK_CENTS);
  });

  it("does not fill anything against a crossed (pre-open) book", () => {
    const crossed: MboLiteral[] = [
      { action: "A", side: "B", price: 100.5, size: 1, id: 1 },
      { action: "A", side: "A", price: 100.25, size: 2, id: 11 }, // crossed: market buy waits
      { action: "C", side: "B", price: 100.5, size: 1, id: 1 }, // uncrossed: fills at 100.25
    ];
    const result = run(crossed, scripted({ 1: (ctx) => ctx.submitMarket(1, 1) }, { ahead: [], ids: [] }), "l3-fifo");
    expect(result.fills[0]).toMatchObject({ qty: 1, priceTicks: 401, tsNs: 1_703_462_400_000_000_000n + 2000n });
  });
});

describe("l2-queue: risk-averse and probabilistic queue estimates on the same sequence", () => {
  const records: MboLiteral[] = [
    { action: "A", side: "B", price: 100, size: 5, id: 1 },
    { action: "A", side: "B", price: 100, size: 5, id: 2 },
    { action: "A", side: "A", price: 100.25, size: 10, id: 9 }, // boundary 2: buy 1 @ 100.00 (10 ahead)
    { action: "A", side: "B", price: 100, size: 10, id: 3 }, // level 20: growth, ahead stays 10
    { action: "C", side: "B", price: 100, size: 5, id: 1 }, // level 15: a decrease of 5
    { action: "T", side: "A", price: 100, size: 9, id: 70 }, // 9 traded at our price
  ];
  const go = (model: BookFillModelName, queueModel?: QueueProbability) => {
    const log = { ahead: [] as number[], ids: [] as number[] };
    const result = run(records, scripted({ 2: (ctx) => log.ids.push(ctx.submitLimit(1, 1, 400).id) }, log), model, { queueModel });
    return { ahead: log.ahead, fills: fillsOf(result.fills.filter((f) => f.reason.model !== "end-of-data")) };
  };

  it("risk-averse: the cancel is assumed behind us, the trade of 9 leaves 1 ahead", () => {
    expect(go("l2-queue", { kind: "risk-averse" })).toEqual({ ahead: [NaN, 10, 10, 1], fills: [] });
  });

  it("power 2: the decrease of 5 is split half ahead (p = 10^2 / (10^2 + 10^2)), 7.5 ahead, the trade of 9 fills us", () => {
    // front' = 10 - (1 - 0.5) * 5 + min(10 - 0.5 * 5, 0) = 7.5; 9 traded: 1.5 beyond it, 1 fills.
    expect(go("l2-queue", { kind: "power", n: 2 })).toEqual({ ahead: [NaN, 10, 7.5, NaN], fills: [[1, 1, 400, "l2-queue", "queue", 7.5]] });
  });

  it("l3-fifo on the same data knows the cancel was ahead: 5 ahead, filled by the trade", () => {
    expect(go("l3-fifo")).toEqual({ ahead: [NaN, 10, 5, NaN], fills: [[1, 1, 400, "l3-fifo", "queue", 5]] });
  });
});

describe("l1-quotes", () => {
  it("fills a limit when the opposite best reaches it and a market order at the opposite best", () => {
    const records: MboLiteral[] = [
      { action: "A", side: "B", price: 100, size: 5, id: 1 },
      { action: "A", side: "A", price: 100.5, size: 5, id: 9 }, // boundary 1: buy 1 @ 100.25 (inside)
      { action: "T", side: "A", price: 100, size: 1, id: 70 }, // trades are ignored by l1-quotes
      { action: "A", side: "A", price: 100.25, size: 3, id: 10 }, // the ask reaches 100.25: filled
      { action: "A", side: "B", price: 100, size: 1, id: 2 }, // boundary 4: market sell 1
      { action: "A", side: "B", price: 99.75, size: 1, id: 3 },
    ];
    const strategy = scripted({ 1: (ctx) => ctx.submitLimit(1, 1, 401), 4: (ctx) => ctx.submitMarket(-1, 1) }, { ahead: [], ids: [] });
    const result = run(records, strategy, "l1-quotes");
    expect(fillsOf(result.fills)).toEqual([
      [1, 1, 401, "l1-quotes", "opposite-cross", null],
      [-1, 1, 400, "l1-quotes", "book-walk", null],
    ]);
    expect(result.metrics.netPnlCents).toBe(-1 * TICK_CENTS);
  });
});
