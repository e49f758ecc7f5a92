/**
 * Exchange halts from the data (engine option `halts`, market-hours.ts) on the book engine
 * (l3-fifo over MBO records). Records start at 2024-03-07 14:59:59 UTC (08:59:59 CT, inside the
 * CME session of 2024-03-07); the halt is [base + 1 s, base + 2 s). Prices: ES index points,
 * 0.25 = 1 tick, 100.00 = 400 ticks.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { mboColumns, type MboLiteral } from "../../book/test-support/mbo-records";
import { getContractSpec } from "../../market/contract-spec";
import type { Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import type { Order, OrderRejectReason } from "../order";
import type { StrategyModule } from "../strategy";
import { BookBacktestEngine, type BookEngineConfig } from "./book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "./book-strategy";

const ES = getContractSpec("ES");
const S = 1_000_000_000;
const BASE = BigInt(Date.UTC(2024, 2, 7, 14, 59, 59)) * 1_000_000n;
const HALT = { fromNs: BASE + BigInt(S), toNs: BASE + 2n * BigInt(S) };

/** Runs `script[k]` at the k-th onBook (0-based); rejections go to `rejected`. */
function strategy(script: Record<number, (ctx: BookStrategyContext) => void>, rejected: OrderRejectReason[] = []): StrategyModule {
  return {
    id: "test",
    name: "test",
    description: "test",
    paramsSchema: z.object({}),
    create(): BookStrategyHandlers {
      let k = 0;
      return {
        onStart() {},
        onBook(ctx) {
          script[k++]?.(ctx);
        },
        onOrderRejected: (_ctx, _order, reason) => void rejected.push(reason),
      };
    },
  };
}

function run(records: readonly MboLiteral[], module: StrategyModule, options: Partial<BookEngineConfig> = {}) {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy: module,
    params: {},
    fillModel: "l3-fifo",
    startingCashCents: 1_000_000,
    seed: 1,
    tickSizeNano: ES.tickSizeNano,
    halts: [HALT],
    ...options,
  });
  const columns = mboColumns(records, BASE);
  engine.processBatch(columns, 0, columns.length);
  return engine.finish();
}

const fillsOf = (fills: readonly Fill[]) => fills.map((f) => [f.side, f.qty, f.priceTicks, f.reason.model, Number(f.tsNs - BASE) / S]);

// Bid 99.75 x5, ask 100.25 x5; at boundary 1 (k = 1) we bid 1 @ 100.00: alone at the best bid.
const book: MboLiteral[] = [
  { action: "A", side: "B", price: 99.75, size: 5, id: 1, tsNs: 0 },
  { action: "A", side: "A", price: 100.25, size: 5, id: 11, tsNs: 1000 },
];

describe("exchange halts from the data (book engine, l3-fifo)", () => {
  it("a resting limit whose price trades and is offered during the halt does not fill; it fills after the halt", () => {
    const records: MboLiteral[] = [
      ...book,
      { action: "T", side: "A", price: 100, size: 3, id: 90, tsNs: 1.2 * S }, // in the halt: a sale at our price
      { action: "A", side: "A", price: 100, size: 3, id: 12, tsNs: 1.5 * S }, // in the halt: an ask at our price
      { action: "A", side: "B", price: 99.5, size: 1, id: 2, tsNs: 2.5 * S }, // after it: the ask at 100.00 is still there
    ];
    const result = run(records, strategy({ 1: (ctx) => void ctx.submitLimit(1, 1, 400) }));
    // Bought 1 @ 100.00 at the first boundary after the halt (2.5 s); closed at the end of data at
    // the last trade price, 100.00.
    expect(fillsOf(result.fills)).toEqual([
      [1, 1, 400, "l3-fifo", 2.5],
      [-1, 1, 400, "end-of-data", 2.5],
    ]);
  });

  it("without the halt the same records fill the limit on the trade inside it (the test's control)", () => {
    const records: MboLiteral[] = [...book, { action: "T", side: "A", price: 100, size: 3, id: 90, tsNs: 1.2 * S }, { action: "A", side: "B", price: 99.5, size: 1, id: 2, tsNs: 2.5 * S }];
    const result = run(records, strategy({ 1: (ctx) => void ctx.submitLimit(1, 1, 400) }), { halts: [] });
    expect(fillsOf(result.fills)[0]).toEqual([1, 1, 400, "l3-fifo", 1.2]);
  });

  it("rejects orders sent during the halt as halted, accepts them after it", () => {
    const rejected: OrderRejectReason[] = [];
    const status: string[] = [];
    const records: MboLiteral[] = [...book, { action: "A", side: "B", price: 99.5, size: 1, id: 2, tsNs: 1.5 * S }, { action: "A", side: "B", price: 99.5, size: 1, id: 3, tsNs: 2 * S }];
    const send = (ctx: BookStrategyContext) => void status.push(`${ctx.marketOpen} ${ctx.submitLimit(1, 1, 390).status} ${ctx.submitMarket(1, 1).status}`);
    run(records, strategy({ 2: send, 3: send }, rejected));
    expect(status).toEqual(["false rejected rejected", "true working working"]);
    expect(rejected).toEqual(["halted", "halted"]);
  });

  it("cancels a market order still in its entry latency at the halt's start; the resting limit stays working", () => {
    const records: MboLiteral[] = [...book, { action: "A", side: "B", price: 99.5, size: 1, id: 2, tsNs: 2.5 * S }];
    let working: string[] = [];
    let market: Readonly<Order> | null = null;
    const result = run(
      records,
      strategy({
        1: (ctx) => {
          market = ctx.submitMarket(1, 1); // arrives at 1.5 s: inside the halt
          ctx.submitLimit(1, 1, 396);
        },
        2: (ctx) => void (working = ctx.workingOrders().map((o) => `${o.id} ${o.type}`)),
      }),
      { latencyNs: 1.5 * S },
    );
    expect(result.fills).toEqual([]);
    // After the halt (2.5 s) only the limit works; the market order ended at the halt's start.
    expect(working).toEqual(["2 limit"]);
    expect(market).toMatchObject({ id: 1, status: "cancelled", filledQty: 0 });
    // The book engine lists the orders cancelled at the end of data only (book-engine.ts).
    expect(result.cancelledOrders.map((o) => [o.id, o.type])).toEqual([[2, "limit"]]);
  });
});
