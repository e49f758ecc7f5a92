import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getContractSpec } from "../../market/contract-spec";
import { MBO_FLAG, type MboColumns } from "../../market/mbo-columns";
import { BookBacktestEngine } from "../book/book-engine";
import type { BookStrategyContext, BookStrategyHandlers } from "../book/book-strategy";
import type { QueueModelName } from "../book/queue-model";
import { queueProbability } from "../book/queue-model";
import type { BookFillModelName, Fill } from "../fill";
import { instrumentFromContractSpec } from "../instrument";
import { defineStrategy } from "../strategy";
import { allocateDepthColumns, DEPTH_LEVELS, depthLevelsProblem, type DepthColumns } from "./depth-columns";
import { depthFeed } from "./depth-feed";

const ES = getContractSpec("ES");
const TICK = Number(ES.tickSizeNano);
const BASE = 1_704_200_000_000_000_000n;
const { LAST } = MBO_FLAG;

type Level = readonly [ticks: number, size: number, count?: number];
interface Rec {
  t: number;
  bids?: readonly Level[];
  asks?: readonly Level[];
  action?: string;
  side?: string;
  price?: number;
  size?: number;
  /** Default true: the record ends its exchange event. */
  last?: boolean;
}

/** MBP-10 records from literals: each record lists its full ten levels (omitted side: as the record before). */
function depth(list: readonly Rec[], baseNs = BASE): DepthColumns {
  const c = allocateDepthColumns(list.length, baseNs);
  let bids: readonly Level[] = [];
  let asks: readonly Level[] = [];
  list.forEach((r, i) => {
    bids = r.bids ?? bids;
    asks = r.asks ?? asks;
    c.tsRecvOffsetNs[i] = r.t;
    c.tsEventDeltaNs[i] = -100;
    c.action[i] = (r.action ?? "A").charCodeAt(0);
    c.side[i] = (r.side ?? "N").charCodeAt(0);
    c.priceTicks[i] = r.price ?? Number.NaN;
    c.size[i] = r.size ?? 0;
    c.flags[i] = r.last === false ? 0 : LAST;
    for (let k = 0; k < DEPTH_LEVELS; k++) {
      const at = i * DEPTH_LEVELS + k;
      const [b, a] = [bids[k], asks[k]];
      c.bidTicks[at] = b ? b[0] : Number.NaN;
      c.bidSize[at] = b ? b[1] : 0;
      c.bidCount[at] = b ? (b[2] ?? 1) : 0;
      c.askTicks[at] = a ? a[0] : Number.NaN;
      c.askSize[at] = a ? a[1] : 0;
      c.askCount[at] = a ? (a[2] ?? 1) : 0;
    }
  });
  c.length = list.length;
  return c;
}

/** The synthetic records as readable strings: "A B 400x10 #1:400" (action side price x size #idHi:idLo), "*" = LAST. */
function records(c: MboColumns): string[] {
  const out: string[] = [];
  for (let i = 0; i < c.length; i++) {
    const px = c.priceNano[i] === c.priceNano[i] ? c.priceNano[i] / TICK : "-";
    const id = c.orderIdHi[i] === 0 ? "" : ` #${c.orderIdHi[i]}:${c.orderIdLo[i]}`;
    out.push(`${String.fromCharCode(c.action[i], 32, c.side[i])} ${px}x${c.size[i]}${id}${(c.flags[i] & LAST) !== 0 ? " *" : ""}`);
  }
  return out;
}

/** A strategy running `script[k]` at the k-th onBook (0-based). */
function scripted(script: Record<number, (ctx: BookStrategyContext) => void>, seen?: (ctx: BookStrategyContext) => void) {
  return defineStrategy({
    id: "scripted-depth",
    name: "t",
    description: "t",
    paramsSchema: z.object({}),
    create(): BookStrategyHandlers {
      let k = 0;
      return {
        onStart() {},
        onBook(ctx) {
          script[k++]?.(ctx);
          seen?.(ctx);
        },
      };
    },
  });
}

function run(list: readonly Rec[], strategy: ReturnType<typeof scripted>, fillModel: BookFillModelName = "l2-queue", queueModel: QueueModelName = "risk-averse", maxEvents = 2) {
  const engine = new BookBacktestEngine({
    instrument: instrumentFromContractSpec(ES, 0),
    strategy,
    params: {},
    fillModel,
    startingCashCents: 10_000_000,
    seed: 1,
    tickSizeNano: ES.tickSizeNano,
    queueModel: queueProbability(queueModel),
    eventUnit: "event",
  });
  let events = 0;
  for (const b of depthFeed([depth(list)], TICK, maxEvents)) {
    engine.processBatch(b.columns, 0, b.columns.length);
    events += b.events;
  }
  const result = engine.finish();
  expect(result.events).toBe(events);
  return result;
}

const fillsOf = (fills: readonly Fill[]) =>
  fills.filter((f) => f.reason.model !== "end-of-data").map((f) => [f.side, f.qty, f.priceTicks, f.reason.rule ?? null, f.reason.queuePosition ?? null]);

describe("depth feed: MBP-10 records as one synthetic order per displayed level", () => {
  it("adds, modifies and cancels level orders by comparing states, adds each trade as a T record, and ends every source event with LAST", () => {
    const [batch] = depthFeed(
      [
        depth([
          { t: 0, bids: [[400, 10], [399, 20]], asks: [[401, 5]] },
          { t: 10, bids: [[400, 7], [399, 20]] },
          { t: 20, action: "T", side: "A", price: 400, size: 3, last: false },
          { t: 20, bids: [[401, 1], [400, 4]], asks: [[402, 6]] },
          { t: 30 },
        ]),
      ],
      TICK,
    );
    expect(records(batch.columns)).toEqual([
      "A B 400x10 #1:400",
      "A B 399x20 #1:399",
      "A A 401x5 #2:401 *",
      "M B 400x7 #1:400 *",
      // The trade and the level changes after it (same exchange event) share one boundary.
      "T A 400x3",
      "A B 401x1 #1:401",
      "M B 400x4 #1:400",
      "C B 399x20 #1:399",
      "C A 401x5 #2:401",
      "A A 402x6 #2:402 *",
      "N N -x0 *",
    ]);
    expect(batch).toMatchObject({ events: 4, records: 5 });
    expect([...batch.columns.tsRecvOffsetNs.subarray(0, batch.columns.length)]).toEqual([0, 0, 0, 10, 20, 20, 20, 20, 20, 20, 30]);
    expect(batch.columns.baseNs).toBe(BASE);
  });

  it("cancels a level pushed beyond the tenth and adds it back when it returns", () => {
    const ten: Level[] = Array.from({ length: 10 }, (_, k) => [400 - k, 10 + k]);
    const better: Level[] = [[401, 1], ...ten.slice(0, 9)];
    const [batch] = depthFeed([depth([{ t: 0, bids: ten }, { t: 1, bids: better }, { t: 2, bids: ten }])], TICK);
    const out = records(batch.columns);
    expect(out.slice(10)).toEqual(["A B 401x1 #1:401", "C B 391x19 #1:391 *", "C B 401x1 #1:401", "A B 391x19 #1:391 *"]);
  });

  it("cuts batches at event boundaries only, keeps an event whole across input batches and receive times, and closes the event left open at the end", () => {
    const all: Rec[] = [
      { t: 0, bids: [[400, 1]], last: false },
      { t: 0, bids: [[400, 2]] },
      // One exchange event over three receive times (CME sends the trade summary first).
      { t: 5, bids: [[400, 3]], last: false },
      { t: 9, bids: [[400, 3]], last: false },
      { t: 9, bids: [[400, 5]], last: false },
    ];
    const whole = depth(all);
    // The same records as single-record input batches (each its own origin) give the same output.
    const singles = all.map((r) => depth([{ ...r, t: 0 }], BASE + BigInt(r.t)));
    for (const input of [[whole], singles]) {
      const batches = depthFeed(input, TICK, 1);
      expect(batches.map((b) => [b.events, b.records, records(b.columns)])).toEqual([
        [1, 2, ["A B 400x1 #1:400", "M B 400x2 #1:400 *"]],
        // An unchanged record still marks its time (N); the event is closed at the end of the data.
        [1, 3, ["M B 400x3 #1:400", "N N -x0", "M B 400x5 #1:400 *"]],
      ]);
      expect(batches.map((b) => b.columns.baseNs)).toEqual([BASE, BASE + 5n]);
      expect([...batches[1].columns.tsRecvOffsetNs.subarray(0, 3)]).toEqual([0, 4, 4]);
    }
  });

  it("checks the level shape the store and the feed rely on", () => {
    const ok = depth([{ t: 0, bids: [[400, 1], [399, 2]], asks: [[401, 1]] }]);
    expect(depthLevelsProblem(ok, 0)).toBeNull();
    const unordered = depth([{ t: 0, bids: [[400, 1], [400, 2]] }]);
    expect(depthLevelsProblem(unordered, 0)).toMatch(/level 1 is not below level 0/);
    const asks = depth([{ t: 0, asks: [[401, 1], [400, 2]] }]);
    expect(depthLevelsProblem(asks, 0)).toMatch(/level 1 is not above level 0/);
    const gap = depth([{ t: 0, bids: [[400, 1], [399, 1]] }]);
    gap.bidTicks[0] = Number.NaN;
    gap.bidSize[0] = 0;
    gap.bidCount[0] = 0;
    expect(depthLevelsProblem(gap, 0)).toMatch(/level 1 follows an empty level/);
  });
});

describe("l2-queue on MBP-10 depth (hand-computed)", () => {
  // Buy 3 @ 400 (100.00) sent at the first boundary, zero latency: it reaches the book at the next
  // event and joins behind the 10 displayed there. Then (sizes of the 400 bid level):
  //  t=2  12: two more join - behind us;                      ahead 10
  //  t=3  trade 4 @ 400 (sell aggressor), then 8 in the same exchange event: the decrease is the
  //       trade's, no cancel;                                  ahead 6
  //  t=4  5: 3 cancelled. risk-averse: all behind us, ahead = min(6, 5) = 5.
  //       power-2: front 6, back 8 - 6 = 2, p = 2^2 / (2^2 + 6^2) = 0.1 of the decrease behind:
  //       front = 6 - 0.9 x 3 + min(2 - 0.3, 0) = 3.3
  //  t=5  trade 5 @ 400, then the level is gone. risk-averse: 5 - 5 = 0 ahead, no fill;
  //       power-2: 3.3 - 5 = -1.7: 1 contract fills (queue position 3.3)
  //  t=6  2 new bids at 400 (behind us); t=7 trade 2 @ 400: 2 fill (nothing ahead)
  //  t=8  a trade at 399.75 prints through our limit: risk-averse fills its last contract there.
  const tape: Rec[] = [
    { t: 1, bids: [[400, 10], [399, 20]], asks: [[401, 5]] },
    { t: 2, bids: [[400, 12], [399, 20]] },
    { t: 3, action: "T", side: "A", price: 400, size: 4, last: false },
    { t: 3, bids: [[400, 8], [399, 20]] },
    { t: 4, bids: [[400, 5], [399, 20]] },
    { t: 5, action: "T", side: "A", price: 400, size: 5, last: false },
    { t: 5, bids: [[399, 20]] },
    { t: 6, bids: [[400, 2], [399, 20]] },
    { t: 7, action: "T", side: "A", price: 400, size: 2, last: false },
    { t: 7, bids: [[399, 20]] },
    { t: 8, action: "T", side: "A", price: 399, size: 1, last: false },
    { t: 8, bids: [[399, 19]] },
  ];
  const buy = () => {
    const ahead: number[] = [];
    let id = -1;
    const strategy = scripted({ 0: (ctx) => (id = ctx.submitLimit(1, 3, 400).id) }, (ctx) => {
      if (id >= 0) ahead.push(ctx.queueAhead(id));
    });
    return { strategy, ahead };
  };

  it("risk-averse: joins behind the displayed size, advances on trades only, fills partially then on a trade-through", () => {
    const { strategy, ahead } = buy();
    const result = run(tape, strategy, "l2-queue", "risk-averse");
    // queueAhead at each boundary from the one that sent the order (not in the book yet: NaN).
    expect(ahead).toEqual([NaN, 10, 6, 5, 0, 0, 0, NaN]);
    expect(fillsOf(result.fills)).toEqual([
      [1, 2, 400, "queue", 0],
      [1, 1, 400, "trade-through", 0],
    ]);
  });

  it("power-2: a cancel is split between the front and the back of our order", () => {
    const { strategy, ahead } = buy();
    const result = run(tape, strategy, "l2-queue", "power-2");
    expect(ahead.slice(0, 3)).toEqual([NaN, 10, 6]);
    expect(ahead[3]).toBeCloseTo(3.3, 12);
    expect(ahead.slice(4)).toEqual([0, 0, NaN, NaN]);
    const fills = fillsOf(result.fills);
    expect(fills).toHaveLength(2);
    expect(fills[0].slice(0, 4)).toEqual([1, 1, 400, "queue"]);
    expect(fills[0][4]).toBeCloseTo(3.3, 12);
    expect(fills[1]).toEqual([1, 2, 400, "queue", 0]);
  });

  it("walks three displayed levels with a market order on l2-queue; l1-quotes fills it whole at the best", () => {
    const book: Rec[] = [
      { t: 1, bids: [[399, 9]], asks: [[401, 5], [402, 8], [403, 4], [404, 9]] },
      { t: 2, bids: [[399, 10]] },
    ];
    const send = scripted({ 0: (ctx) => ctx.submitMarket(1, 15) });
    expect(fillsOf(run(book, send, "l2-queue").fills)).toEqual([
      [1, 5, 401, "book-walk", null],
      [1, 8, 402, "book-walk", null],
      [1, 2, 403, "book-walk", null],
    ]);
    expect(fillsOf(run(book, send, "l1-quotes").fills)).toEqual([[1, 15, 401, "book-walk", null]]);
  });

  it("shows the strategy the ten displayed levels of each side at onBook", () => {
    const ten: Level[] = Array.from({ length: 10 }, (_, k) => [400 - k, 10 + k]);
    const seen: number[][] = [];
    const px = new Float64Array(12);
    const sz = new Float64Array(12);
    run([{ t: 1, bids: ten, asks: [[401, 3]] }], scripted({}, (ctx) => {
      const n = ctx.book.depth(1, 12, px, sz);
      seen.push([n, ctx.book.bidLevels, ctx.book.askLevels, ...px.subarray(0, n), ...sz.subarray(0, n)]);
    }));
    expect(seen).toEqual([[10, 10, 1, ...ten.map((l) => l[0]), ...ten.map((l) => l[1])]]);
  });
});
