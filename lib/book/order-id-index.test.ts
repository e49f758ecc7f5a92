import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OrderIdIndex } from "./order-id-index";

const split = (id: bigint) => ({ hi: Number(id >> 32n), lo: Number(id & 0xffffffffn) });

describe("OrderIdIndex", () => {
  it("finds, inserts and removes ids over the whole u64 range", () => {
    const index = new OrderIdIndex(4);
    const ids = [0n, 1n, 2n ** 32n, 2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 64n - 1n, 0xffffffffn, 6_412_777_162_812n];
    ids.forEach((id, slot) => {
      const { hi, lo } = split(id);
      expect(index.find(hi, lo)).toBeLessThan(0);
      index.insert(hi, lo, slot);
    });
    expect(index.size).toBe(ids.length);
    ids.forEach((id, slot) => expect(index.slotAt(index.find(split(id).hi, split(id).lo))).toBe(slot));
    index.removeAt(index.find(0, 1));
    expect(index.find(0, 1)).toBeLessThan(0);
    expect(index.slotAt(index.find(1, 1))).toBe(3);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.find(0, 0)).toBeLessThan(0);
  });

  it("behaves like a Map under random inserts and removals (growth and backward-shift deletion included)", () => {
    // Keys share low halves and come in runs of sequential ids, as CME ids do: collisions are common.
    const key = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 })).map(([hi, lo]) => 6_412_777_162_812n + BigInt(lo) + (BigInt(hi) << 45n)),
      fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), key), { maxLength: 400 }), (ops) => {
        const index = new OrderIdIndex(2);
        const model = new Map<bigint, number>();
        ops.forEach(([insert, id], step) => {
          const { hi, lo } = split(id);
          const at = index.find(hi, lo);
          expect(at >= 0).toBe(model.has(id));
          if (at >= 0) expect(index.slotAt(at)).toBe(model.get(id));
          if (insert && at < 0) {
            if (step % 2) index.insert(hi, lo, step);
            else index.insertAt(at, hi, lo, step);
            model.set(id, step);
          } else if (!insert && at >= 0) {
            index.removeAt(at);
            model.delete(id);
          }
        });
        expect(index.size).toBe(model.size);
        for (const [id, slot] of model) expect(index.slotAt(index.find(split(id).hi, split(id).lo))).toBe(slot);
      }),
      { numRuns: 300 },
    );
  });
});
