import { describe, expect, it } from "vitest";
import { decodeMboFile } from "../data/dbn/dbn-file";
import type { MboColumns } from "../market/mbo-columns";
import { ESH4_EXPECTED, esh4GoldenFacts } from "./test-support/esh4-golden";

const DIR = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/";

/** One whole day file as a single batch (the files hold < 70k records). */
async function day(file: string): Promise<MboColumns> {
  const batches: MboColumns[] = [];
  for await (const batch of decodeMboFile(`${DIR}${file}`, { batchSize: 1_000_000 })) batches.push(batch);
  expect(batches).toHaveLength(1);
  return batches[0];
}

/**
 * Golden replay of two real days of ESH4 order-by-order data (snapshot, crossed pre-open book,
 * opening auction, live trading) decoded by lib/data/dbn: the auction print, no crossed book at
 * any event boundary after the open, no data-quality event, the final book and the MBP-10 count.
 */
describe("L3 book over the real ESH4 files", () => {
  it("replays both days and ends with the expected book", async () => {
    const [d1224, d1225] = [await day("esh4-glbx-mdp3-20231224.mbo.dbn.zst"), await day("esh4-glbx-mdp3-20231225.mbo.dbn.zst")];
    expect(esh4GoldenFacts([d1224, d1225])).toEqual(ESH4_EXPECTED.bothDays);
  });

  it("replays the second day alone from its own snapshot", async () => {
    expect(esh4GoldenFacts([await day("esh4-glbx-mdp3-20231225.mbo.dbn.zst")])).toEqual(ESH4_EXPECTED.secondDayAlone);
  });
});
