import { describe, expect, it } from "vitest";
import { allocateTradeColumns } from "../../market/trade-columns";
import { PriceBand, priceBandRuleSchema, sessionWindowOf } from "./price-band";

const ns = (iso: string) => BigInt(Date.parse(iso)) * 1_000_000n;
// Tuesday 2025-03-04 09:00 CT (session date 2025-03-04) and the next day's session.
const TUE = ns("2025-03-04T15:00:00Z");
const WED = ns("2025-03-05T15:00:00Z");
const SEC = 1_000_000_000n;

function batch(ticks: Array<[bigint, number]>) {
  const base = ticks[0][0];
  const c = allocateTradeColumns(ticks.length, base);
  for (const [ts, price] of ticks) {
    const i = c.length++;
    c.tsOffsetNs[i] = Number(ts - base);
    c.priceTicks[i] = price;
    c.size[i] = 1;
  }
  return c;
}

const band7 = () => new PriceBand({ percent: 7 });

describe("PriceBand (7%, reference: last trade of the prior session)", () => {
  it("flags a limit-down-like drop of 8%, not one of 6% nor exactly 7%, and keeps identical trades as two", () => {
    const band = band7();
    // Reference 80000 ticks (the data's first trade). 8% down = 73600; 6% = 75200; 7% = 74400.
    band.observe(
      batch([
        [TUE, 80000],
        [TUE, 80000],
        [TUE + SEC, 73600],
        [TUE + SEC, 73600], // identical trade at the same timestamp: both kept and counted
        [TUE + 2n * SEC, 75200],
        [TUE + 3n * SEC, 74400],
      ]),
    );
    expect(band.finish()).toEqual([
      { fromNs: TUE + SEC, toNs: TUE + SEC, count: 2, minTicks: 73600, maxTicks: 73600, referenceTicks: 80000, sessionDate: "2025-03-04" },
    ]);
    expect(band.flagged).toBe(2);
  });

  it("resets the reference at a session change: the next session compares with the prior session's last trade", () => {
    const band = band7();
    band.observe(batch([[TUE, 80000], [TUE + SEC, 75000]])); // 6.25% down: inside
    // Wednesday's reference is 75000: 81000 is 8% above it (but only 1.25% above 80000).
    band.observe(batch([[WED, 81000], [WED + SEC, 81500], [WED + 2n * SEC, 75000], [WED + 3n * SEC, 80000]]));
    expect(band.finish()).toEqual([
      { fromNs: WED, toNs: WED + SEC, count: 2, minTicks: 81000, maxTicks: 81500, referenceTicks: 75000, sessionDate: "2025-03-05" },
    ]);
  });

  it("merges a range across batches and closes it at a session change", () => {
    const band = band7();
    band.observe(batch([[TUE, 80000], [TUE + SEC, 90000]])); // +12.5%
    band.observe(batch([[TUE + 2n * SEC, 91000]]));
    expect(band.drainClosed()).toEqual([]);
    // Wednesday: reference 91000; 91000 is inside, the open range closed at the change.
    band.observe(batch([[WED, 91000]]));
    expect(band.drainClosed()).toEqual([
      { fromNs: TUE + SEC, toNs: TUE + 2n * SEC, count: 2, minTicks: 90000, maxTicks: 91000, referenceTicks: 80000, sessionDate: "2025-03-04" },
    ]);
    expect(band.finish()).toEqual([]);
  });

  it("takes the seed (last stored trade before the data) as the first session's reference", () => {
    const band = band7();
    band.seed(86000);
    band.observe(batch([[TUE, 80000]])); // 6.98% below 86000: inside; 79900 is 7.09% below
    band.observe(batch([[TUE + SEC, 79900]]));
    expect(band.finish().map((r) => [r.count, r.referenceTicks])).toEqual([[1, 86000]]);
  });

  it("parses the rule: default-able object, null or 'off' (none)", () => {
    expect(priceBandRuleSchema.parse({ percent: 7 })).toEqual({ percent: 7, reference: "prior-session-last" });
    expect(priceBandRuleSchema.parse("off")).toBeNull();
    expect(priceBandRuleSchema.parse(null)).toBeNull();
    expect(priceBandRuleSchema.safeParse({ percent: 0 }).success).toBe(false);
    expect(priceBandRuleSchema.safeParse({ percent: 7, reference: "settlement" }).success).toBe(false);
  });

  it("places session windows on the CME calendar: Tuesday 16:30 CT (daily break) belongs to Wednesday", () => {
    const w = sessionWindowOf(ns("2025-03-04T22:30:00Z"));
    expect(w.date).toBe("2025-03-05");
    expect(w.startNs).toBe(ns("2025-03-04T22:00:00Z")); // Tuesday's close, 16:00 CT
    expect(w.endNs).toBe(ns("2025-03-05T22:00:00Z"));
  });
});
