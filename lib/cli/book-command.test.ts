import { describe, expect, it } from "vitest";
import { bookCommand } from "./book-command";

const DIR = "../shared/fixtures/databento/nautilus_trader/tests/test_data/databento/";
const DAY1 = `${DIR}esh4-glbx-mdp3-20231224.mbo.dbn.zst`;
const DAY2 = `${DIR}esh4-glbx-mdp3-20231225.mbo.dbn.zst`;

describe("tickbench book (real ESH4 order-by-order files)", () => {
  it("prints the final book after both days", async () => {
    const book = await bookCommand([DAY1, DAY2], { depth: "5" });
    expect(book).toMatchObject({ orders: 11_217, records: 77_517 });
    expect(book.bids[0].price).toBe(4810);
    expect(book.asks[0].price).toBe(4810.25);
    expect(book.bids).toHaveLength(5);
    expect(book.bids[0].price).toBeGreaterThan(book.bids[1].price);
    expect(book.asks[0].price).toBeLessThan(book.asks[1].price);
    expect(book.bidLevels).toBeGreaterThan(5);
  });

  it("shows the crossed pre-open book as it is, then the uncrossed book after the opening auction", async () => {
    const preOpen = await bookCommand([DAY2], { at: "2023-12-25T22:59:59Z", depth: "1" });
    expect(preOpen.bids[0].price).toBeGreaterThanOrEqual(preOpen.asks[0].price);
    const open = await bookCommand([DAY2], { at: "2023-12-25T23:00:01Z", depth: "1" });
    expect(open.bids[0].price).toBeLessThan(open.asks[0].price);
  });

  it("rejects bad options with clear messages", async () => {
    await expect(bookCommand([DAY2], { depth: "0" })).rejects.toThrow(/--depth/);
    await expect(bookCommand([DAY2], { at: "yesterday" })).rejects.toThrow(/--at/);
  });
});
