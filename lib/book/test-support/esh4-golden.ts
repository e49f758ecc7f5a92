/**
 * Golden facts of the ESH4 MBO sample (two daily files, DOMAIN.md sections 5 and 9), computed by
 * replaying decoded MboColumns through OrderBook and MbpFromMbo. Decoder-agnostic on purpose: the
 * golden-file test is wired where the real decoder lives (lib/data/dbn), e.g.
 *
 *   const days = [ESH4_1224, ESH4_1225].map((f) => decodeMbo(fixture(f)));   // their API
 *   expect(esh4GoldenFacts(days)).toEqual(ESH4_EXPECTED.bothDays);
 *   expect(esh4GoldenFacts([days[1]])).toEqual(ESH4_EXPECTED.secondDayAlone);
 *
 * The expected values below were produced with a throwaway reader (independent of lib/data/dbn) over the
 * files decompressed by the zstd command-line tool, and agree with DOMAIN.md: the opening auction
 * is the T with side N, 44 @ 4800.25, at ts_event 2023-12-25T23:00:00Z; the book is crossed at
 * pre-open boundaries and never after that event; the real data raises no data-quality event; the
 * second file's snapshot (no final LAST) re-sends exactly the first file's orders.
 */
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import { allocateMbpColumns, MbpFromMbo } from "../mbp-from-mbo";
import { OrderBook } from "../order-book";

export interface Esh4Facts {
  /** MBO records per day. */
  readonly records: readonly number[];
  /** Records carrying the SNAPSHOT flag, per day. */
  readonly snapshotRecords: readonly number[];
  /** Event boundaries over all days (LAST records and snapshots closed by a live record). */
  readonly boundaries: number;
  /** The first trade with side N (the opening auction print). */
  readonly openingAuction: { readonly day: number; readonly recordIndex: number; readonly tsEventIso: string; readonly price: number; readonly size: number } | null;
  readonly crossedBoundariesBeforeOpen: number;
  /** Boundaries after the auction's event where best bid >= best ask: must be 0. */
  readonly crossedBoundariesAfterOpen: number;
  readonly dataQualityTotal: number;
  readonly mbp10Rows: number;
  readonly finalOrders: number;
  readonly finalBidLevels: number;
  readonly finalAskLevels: number;
  /** Index points. */
  readonly finalBestBid: number;
  readonly finalBestAsk: number;
}

export const ESH4_EXPECTED: { readonly bothDays: Esh4Facts; readonly secondDayAlone: Esh4Facts } = {
  bothDays: {
    records: [8725, 68792],
    snapshotRecords: [8725, 8725],
    boundaries: 47024,
    openingAuction: { day: 1, recordIndex: 9650, tsEventIso: "2023-12-25T23:00:00.000Z", price: 4800.25, size: 44 },
    crossedBoundariesBeforeOpen: 891,
    crossedBoundariesAfterOpen: 0,
    dataQualityTotal: 0,
    mbp10Rows: 37065,
    finalOrders: 11217,
    finalBidLevels: 922,
    finalAskLevels: 565,
    finalBestBid: 4810,
    finalBestAsk: 4810.25,
  },
  secondDayAlone: {
    records: [68792],
    snapshotRecords: [8725],
    boundaries: 47023,
    openingAuction: { day: 0, recordIndex: 9650, tsEventIso: "2023-12-25T23:00:00.000Z", price: 4800.25, size: 44 },
    crossedBoundariesBeforeOpen: 891,
    crossedBoundariesAfterOpen: 0,
    dataQualityTotal: 0,
    mbp10Rows: 37065,
    finalOrders: 11217,
    finalBidLevels: 922,
    finalAskLevels: 565,
    finalBestBid: 4810,
    finalBestAsk: 4810.25,
  },
};

/** Replays the days in order (as consecutive daily files) through one book and reports the facts. */
export function esh4GoldenFacts(days: readonly MboColumns[]): Esh4Facts {
  const book = new OrderBook();
  let boundaries = 0;
  let crossedBefore = 0;
  let crossedAfter = 0;
  let auction: Esh4Facts["openingAuction"] = null;
  days.forEach((columns, day) => {
    for (let i = 0; i < columns.length; ) {
      const from = i;
      i = book.applyEvent(columns, from);
      auction ??= findAuction(columns, day, from, i);
      if (book.inEvent) continue;
      boundaries++;
      // "After the open" starts at the boundary that closes the auction's event.
      if (book.bestPrice(SIDE.BID) >= book.bestPrice(SIDE.ASK)) {
        if (auction === null) crossedBefore++;
        else crossedAfter++;
      }
    }
  });
  return {
    records: days.map((d) => d.length),
    snapshotRecords: days.map((d) => d.flags.subarray(0, d.length).filter((f) => (f & MBO_FLAG.SNAPSHOT) !== 0).length),
    boundaries,
    openingAuction: auction,
    crossedBoundariesBeforeOpen: crossedBefore,
    crossedBoundariesAfterOpen: crossedAfter,
    dataQualityTotal: book.dataQuality().total,
    mbp10Rows: countMbp10Rows(days),
    finalOrders: book.orderCount,
    finalBidLevels: book.levelCount(SIDE.BID),
    finalAskLevels: book.levelCount(SIDE.ASK),
    finalBestBid: book.bestPrice(SIDE.BID) / 1e9,
    finalBestAsk: book.bestPrice(SIDE.ASK) / 1e9,
  };
}

/** The first trade with side N among records [from, to), or null. */
function findAuction(columns: MboColumns, day: number, from: number, to: number): Esh4Facts["openingAuction"] {
  for (let r = from; r < to; r++) {
    if (columns.action[r] !== ACTION.TRADE || columns.side[r] !== SIDE.NONE) continue;
    const tsEventNs = columns.baseNs + BigInt(columns.tsRecvOffsetNs[r] + columns.tsEventDeltaNs[r]);
    return { day, recordIndex: r, tsEventIso: new Date(Number(tsEventNs / 1_000_000n)).toISOString(), price: columns.priceNano[r] / 1e9, size: columns.size[r] };
  }
  return null;
}

function countMbp10Rows(days: readonly MboColumns[]): number {
  const extractor = new MbpFromMbo(10);
  const out = allocateMbpColumns(4096, 10);
  let rows = 0;
  for (const columns of days) {
    for (let i = 0; i < columns.length; ) {
      out.length = 0;
      i = extractor.replay(columns, out, i);
      rows += out.length;
    }
  }
  return rows;
}
