/**
 * MBP-10 records with their trades derived from MBO (the golden cross-check of the depth feed and
 * the depth benchmark; real MBP-10 files come from Databento). The MBO records are replayed
 * through an OrderBook (lib/book); for every exchange event (records up to LAST, or a snapshot
 * closed by a live record) that printed a trade or changed the ten levels of a side (price, size or
 * count - states compared, as lib/book/mbp-from-mbo.ts does):
 *   - when its first record is not a trade and its records span several receive times, an N
 *     record at the first one (flags 0, the levels before the event), so the depth event starts
 *     when the MBO event does;
 *   - each trade (T) as a T record at its own times, with the levels before the event (flags 0);
 *   - a record at the event's last receive time with the levels after it and LAST (action: the
 *     event's last book record's, N when only trades happened).
 * Events that neither trade nor touch the ten levels give no record, as in Databento's MBP-10.
 * Prices in ticks of `tickNano` (a price off that grid throws).
 */
import { OrderBook } from "../../book/order-book";
import { ACTION, MBO_FLAG, SIDE, type MboColumns } from "../../market/mbo-columns";
import { allocateDepthColumns, DEPTH_LEVELS, type DepthColumns } from "./depth-columns";

export function depthFromMbo(day: MboColumns, tickNano: number): DepthColumns {
  const book = new OrderBook();
  let out = allocateDepthColumns(Math.max(16, day.length >>> 1), day.baseNs);
  const px = new Float64Array(DEPTH_LEVELS);
  const size = new Uint32Array(DEPTH_LEVELS);
  const count = new Uint32Array(DEPTH_LEVELS);
  // The levels before the event (row -1 of the output: kept apart) and after it.
  const before = { bid: emptyLevels(), ask: emptyLevels() };
  const after = { bid: emptyLevels(), ask: emptyLevels() };
  const ticks = (nano: number) => {
    const t = nano / tickNano;
    if (!Number.isInteger(t)) throw new RangeError(`MBO price ${nano} (1e-9) is off the ${tickNano} tick grid`);
    return t;
  };
  const read = (side: typeof SIDE.BID | typeof SIDE.ASK, into: Levels) => {
    book.depth(side, DEPTH_LEVELS, px, size, count);
    for (let k = 0; k < DEPTH_LEVELS; k++) {
      into.px[k] = px[k] === px[k] ? ticks(px[k]) : Number.NaN;
      into.size[k] = size[k];
      into.count[k] = count[k];
    }
  };
  const push = (r: number, levels: { bid: Levels; ask: Levels }, action: number, side: number, price: number, qty: number, flags: number) => {
    if (out.length === out.tsRecvOffsetNs.length) out = grown(out);
    const i = out.length++;
    out.tsRecvOffsetNs[i] = day.tsRecvOffsetNs[r];
    out.tsEventDeltaNs[i] = day.tsEventDeltaNs[r];
    out.action[i] = action;
    out.side[i] = side;
    out.depth[i] = 0;
    out.flags[i] = flags;
    out.priceTicks[i] = price === price ? ticks(price) : Number.NaN;
    out.size[i] = qty;
    const at = i * DEPTH_LEVELS;
    out.bidTicks.set(levels.bid.px, at);
    out.bidSize.set(levels.bid.size, at);
    out.bidCount.set(levels.bid.count, at);
    out.askTicks.set(levels.ask.px, at);
    out.askSize.set(levels.ask.size, at);
    out.askCount.set(levels.ask.count, at);
  };
  let i = 0;
  while (i < day.length) {
    const start = i;
    i = book.applyEvent(day, i, day.length);
    read(SIDE.BID, after.bid);
    read(SIDE.ASK, after.ask);
    let trades = 0;
    let lastBook = -1;
    for (let r = start; r < i; r++) {
      if (day.action[r] === ACTION.TRADE) trades++;
      else if (day.action[r] !== ACTION.FILL) lastBook = r;
    }
    const changed = !same(before.bid, after.bid) || !same(before.ask, after.ask);
    if (changed || trades > 0) {
      const last = i - 1;
      if (day.action[start] !== ACTION.TRADE && day.tsRecvOffsetNs[start] !== day.tsRecvOffsetNs[last]) push(start, before, ACTION.NONE, SIDE.NONE, Number.NaN, 0, 0);
      for (let r = start; r < i; r++) {
        if (day.action[r] === ACTION.TRADE) push(r, before, ACTION.TRADE, day.side[r], day.priceNano[r], day.size[r], 0);
      }
      const booked = changed && lastBook >= 0;
      push(last, after, booked ? day.action[lastBook] : ACTION.NONE, booked ? day.side[lastBook] : SIDE.NONE, booked ? day.priceNano[lastBook] : Number.NaN, booked ? day.size[lastBook] : 0, MBO_FLAG.LAST);
    }
    for (const side of ["bid", "ask"] as const) {
      before[side].px.set(after[side].px);
      before[side].size.set(after[side].size);
      before[side].count.set(after[side].count);
    }
  }
  return out;
}

interface Levels {
  px: Float64Array;
  size: Uint32Array;
  count: Uint32Array;
}

function emptyLevels(): Levels {
  return { px: new Float64Array(DEPTH_LEVELS).fill(Number.NaN), size: new Uint32Array(DEPTH_LEVELS), count: new Uint32Array(DEPTH_LEVELS) };
}

function same(a: Levels, b: Levels): boolean {
  for (let k = 0; k < DEPTH_LEVELS; k++) {
    if (a.count[k] !== b.count[k] || a.size[k] !== b.size[k]) return false;
    if (a.px[k] !== b.px[k] && (a.px[k] === a.px[k] || b.px[k] === b.px[k])) return false;
  }
  return true;
}

function grown(c: DepthColumns): DepthColumns {
  const next = allocateDepthColumns(c.tsRecvOffsetNs.length * 2, c.baseNs);
  for (const key of ["tsRecvOffsetNs", "tsEventDeltaNs", "action", "side", "depth", "flags", "priceTicks", "size", "bidTicks", "askTicks", "bidSize", "askSize", "bidCount", "askCount"] as const) {
    (next[key] as Float64Array | Uint32Array | Uint8Array).set(c[key]);
  }
  next.length = c.length;
  return next;
}
