import { describe, expect, it } from "vitest";
import { MBO_FLAG } from "../../market/mbo-columns";
import { esh4GoldenFacts } from "./esh4-golden";
import { mboColumns, type MboLiteral } from "./mbo-records";

const { LAST, SNAPSHOT } = MBO_FLAG;
const OPEN_NS = 1_703_545_200_000_000_000; // 2023-12-25T23:00:00Z
const BASE_NS = 1_703_462_400_000_000_000n; // 2023-12-25T00:00:00Z

/** A miniature of the second ESH4 file: snapshot without a final LAST, crossed pre-open, auction, live. */
const day: MboLiteral[] = [
  { action: "A", id: 1, side: "B", price: 4799, size: 2, flags: SNAPSHOT },
  { action: "A", id: 2, side: "A", price: 4801, size: 3, flags: SNAPSHOT },
  { action: "A", id: 3, side: "B", price: 4801, size: 5, flags: LAST }, // pre-open: crossed
  { action: "A", id: 4, side: "A", price: 4800.25, size: 4, flags: LAST }, // still crossed
  { action: "T", side: "N", price: 4800.25, size: 4, flags: 0, tsNs: OPEN_NS - Number(BASE_NS), eventDeltaNs: 0 },
  { action: "F", id: 3, side: "B", price: 4800.25, size: 4, flags: 0 },
  { action: "F", id: 4, side: "A", price: 4800.25, size: 4, flags: 0 },
  { action: "C", id: 3, side: "B", price: 4801, size: 4, flags: 0 },
  { action: "C", id: 4, side: "A", price: 4800.25, size: 4, flags: 0 },
  { action: "C", id: 3, side: "B", price: 4801, size: 1, flags: 0 },
  { action: "A", id: 5, side: "B", price: 4800, size: 1, flags: LAST }, // uncrossed
  { action: "A", id: 6, side: "A", price: 4800.5, size: 1, flags: LAST },
];

describe("esh4GoldenFacts", () => {
  it("finds the auction, counts crossed boundaries before and after the open, and reports the final book", () => {
    const facts = esh4GoldenFacts([mboColumns(day, BASE_NS)]);
    expect(facts).toEqual({
      records: [12],
      snapshotRecords: [2],
      boundaries: 5,
      openingAuction: { day: 0, recordIndex: 4, tsEventIso: "2023-12-25T23:00:00.000Z", price: 4800.25, size: 4 },
      crossedBoundariesBeforeOpen: 2,
      crossedBoundariesAfterOpen: 0,
      dataQualityTotal: 0,
      mbp10Rows: 5,
      finalOrders: 4,
      finalBidLevels: 2,
      finalAskLevels: 2,
      finalBestBid: 4800,
      finalBestAsk: 4800.5,
    });
  });

  it("counts a crossing after the open (the property the real files must not violate)", () => {
    const crossedLater: MboLiteral[] = [...day, { action: "A", id: 7, side: "B", price: 4801, size: 1, flags: LAST }];
    expect(esh4GoldenFacts([mboColumns(crossedLater, BASE_NS)]).crossedBoundariesAfterOpen).toBe(1);
  });
});
