import { describe, expect, it } from "vitest";
import { isInSession } from "../../market/session-calendar";
import { allocateTradeColumns } from "../../market/trade-columns";
import { TradeValidator, validationRulesSchema } from "./trade-validation";

// 2025-03-04 15:00:00 UTC = 09:00 CT on a Tuesday: in session. 21:30 UTC = 15:30... 16:30 CT is the break.
const IN_SESSION = BigInt(Date.parse("2025-03-04T15:00:00Z")) * 1_000_000n;
const DAILY_BREAK = BigInt(Date.parse("2025-03-04T22:30:00Z")) * 1_000_000n; // 16:30 CT
const SATURDAY = BigInt(Date.parse("2025-03-08T15:00:00Z")) * 1_000_000n;

function batch(ticks: Array<[bigint, number, number]>) {
  const base = ticks[0][0] < SATURDAY ? ticks[0][0] : SATURDAY;
  const c = allocateTradeColumns(ticks.length, base);
  for (const [ts, price, size] of ticks) {
    const i = c.length++;
    c.tsOffsetNs[i] = Number(ts - base);
    c.priceTicks[i] = price;
    c.size[i] = size;
    c.side[i] = 1;
  }
  return c;
}

describe("TradeValidator", () => {
  const rules = validationRulesSchema.parse({});

  it("keeps identical trades at the same timestamp and rejects the rest with a reason each", () => {
    const v = new TradeValidator(rules, null);
    const { accepted, rejected } = v.filter(
      batch([
        [IN_SESSION, 100, 1],
        [IN_SESSION, 100, 1], // identical: legitimate
        [IN_SESSION + 5n, 101, 0], // non-positive size
        [IN_SESSION - 1n, 99, 1], // earlier than the last accepted
        [DAILY_BREAK, 102, 2], // daily break
        [SATURDAY, 103, 1], // weekend
      ]),
    );
    expect(accepted.length).toBe(2);
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [2, "non_positive_size"],
      [3, "out_of_order"],
      [4, "outside_session"],
      [5, "outside_session"],
    ]);
  });

  it("rejects trades at or after the contract's expiry, and can keep out-of-session prints", () => {
    const keep = new TradeValidator(validationRulesSchema.parse({ outsideSession: "keep" }), IN_SESSION + 10n);
    const { accepted, rejected } = keep.filter(batch([[IN_SESSION, 1, 1], [DAILY_BREAK - 1n, 2, 1]]));
    expect(accepted.length).toBe(1);
    expect(rejected[0].reason).toBe("after_expiry");
    const v = new TradeValidator(validationRulesSchema.parse({ outsideSession: "keep" }), null);
    expect(v.filter(batch([[DAILY_BREAK, 1, 1]])).accepted.length).toBe(1);
  });

  it("numbers rejected trades across batches", () => {
    const v = new TradeValidator(rules, null);
    v.filter(batch([[IN_SESSION, 1, 1], [IN_SESSION, 1, 1]]));
    expect(v.filter(batch([[IN_SESSION + 1n, 1, -1]])).rejected[0].index).toBe(2);
  });

  it("agrees with the per-trade rules over random trades around session edges, a calendar pause and an expiry", () => {
    // 2020-12-28 (the 15:15-15:30 CT pause of those years) to 2020-12-30; expiry inside the range.
    const from = BigInt(Date.parse("2020-12-28T20:00:00Z")) * 1_000_000n;
    const expiry = BigInt(Date.parse("2020-12-29T23:30:00Z")) * 1_000_000n;
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
    const ticks: Array<[bigint, number, number]> = [];
    let ts = from;
    for (let i = 0; i < 4000; i++) {
      ts += BigInt(Math.floor(rand() * 60e9)); // up to a minute apart
      const back = rand() < 0.05 ? BigInt(Math.floor(rand() * 5e9)) : 0n; // some out of order
      ticks.push([ts - back, 100, rand() < 0.02 ? 0 : 1]);
    }
    // Reference: the rules trade by trade.
    let last: bigint | null = null;
    const expected = ticks.map(([t, , size]) => {
      let reason: string | null = null;
      if (size <= 0) reason = "non_positive_size";
      else if (last !== null && t < last) reason = "out_of_order";
      else if (t >= expiry) reason = "after_expiry";
      else if (!isInSession(Number(t / 1_000_000n))) reason = "outside_session";
      if (!reason) last = t;
      return reason;
    });
    const v = new TradeValidator(rules, expiry);
    const got: Array<string | null> = [];
    for (let at = 0; at < ticks.length; at += 333) {
      const slice = ticks.slice(at, at + 333);
      const b = allocateTradeColumns(slice.length, slice[0][0] - 10n);
      for (const [t, p, size] of slice) {
        const i = b.length++;
        b.tsOffsetNs[i] = Number(t - b.baseNs);
        b.priceTicks[i] = p;
        b.size[i] = size;
      }
      const { accepted, rejected } = v.filter(b);
      const reasons: Array<string | null> = slice.map(() => null);
      for (const r of rejected) reasons[r.position] = r.reason;
      expect(accepted.length).toBe(slice.length - rejected.length);
      got.push(...reasons);
    }
    expect(got).toEqual(expected);
    const counts = (reason: string) => expected.filter((r) => r === reason).length;
    // The sample exercises every rule, the pause included.
    expect([counts("out_of_order") > 0, counts("outside_session") > 0, counts("after_expiry") > 0, counts("non_positive_size") > 0]).toEqual([true, true, true, true]);
  });
});
