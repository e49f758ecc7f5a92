import { describe, expect, it } from "vitest";
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
});
